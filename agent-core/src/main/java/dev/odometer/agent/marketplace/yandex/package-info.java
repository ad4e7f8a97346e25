/**
 * The Yandex Cloud Marketplace Metering API client: {@link
 * dev.odometer.agent.marketplace.yandex.YandexMeteringClient}, image and SaaS products, REST
 * with proto3 JSON.
 */
package dev.odometer.agent.marketplace.yandex;
