package com.acme.shop;

import dev.odometer.Metered;
import dev.odometer.Quantity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Billed per item ordered; {@code @Transactional}, so Spring proxies it with CGLIB. */
@Service
public class OrderService {
    private final JdbcTemplate jdbc;
    private final Mailer mailer;

    public OrderService(JdbcTemplate jdbc, Mailer mailer) {
        this.jdbc = jdbc;
        this.mailer = mailer;
    }

    /** Stores the order and sends its confirmation (an email, another SKU). */
    @Transactional
    @Metered("order")
    public long place(@Quantity int items) {
        jdbc.update("insert into orders(items) values (?)", items);
        Long count = jdbc.queryForObject("select count(*) from orders", Long.class);
        mailer.send("customer@example.com");
        return count == null ? 0 : count;
    }
}
