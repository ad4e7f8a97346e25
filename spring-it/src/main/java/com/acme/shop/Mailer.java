package com.acme.shop;

import dev.odometer.Metered;
import dev.odometer.Quantity;
import java.util.List;

/** Billed per email; the annotations are on the interface, the implementation is a bean. */
public interface Mailer {
    @Metered("email")
    void send(String to);

    /** One email per recipient, billed as one operation of that many emails. */
    @Metered("email")
    int sendAll(@Quantity List<String> recipients);
}
