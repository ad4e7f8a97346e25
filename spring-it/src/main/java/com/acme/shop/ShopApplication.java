package com.acme.shop;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.scheduling.annotation.EnableAsync;

/**
 * A small shop service, the Spring Boot host that {@code SpringBootHostIT} runs with the agent.
 * Its metered beans are the kinds Spring proxies: {@link OrderService} ({@code @Transactional}),
 * {@link PriceService} ({@code @Cacheable}), {@link ReportService} (an aspect),
 * {@link ThumbnailService} ({@code @Async}), {@link SmtpMailer} (an aspect; {@code @Metered} is on
 * its interface {@link Mailer}), and {@link ShopController#search}, metered from the config's
 * {@code methods:} list. {@link ExportService} is work that finishes during graceful shutdown.
 */
@SpringBootApplication
@EnableCaching
@EnableAsync
public class ShopApplication {
    public static void main(String[] args) {
        SpringApplication.run(ShopApplication.class, args);
    }
}
