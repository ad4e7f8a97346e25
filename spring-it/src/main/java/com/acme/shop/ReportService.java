package com.acme.shop;

import dev.odometer.Metered;
import dev.odometer.Quantity;
import org.springframework.stereotype.Service;

/** Billed per page; proxied only because the aspect wraps it. */
@Service
@Audited
public class ReportService {
    @Metered("pages")
    public String render(@Quantity int pages) {
        return "report of " + pages + " pages";
    }
}
