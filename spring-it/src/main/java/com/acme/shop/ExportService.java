package com.acme.shop;

import dev.odometer.Metered;
import dev.odometer.Quantity;
import org.springframework.stereotype.Service;

/** Billed per row exported; not proxied. */
@Service
public class ExportService {
    @Metered("export")
    public String export(@Quantity int rows) {
        return rows + " rows";
    }
}
