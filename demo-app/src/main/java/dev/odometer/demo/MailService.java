package dev.odometer.demo;

import dev.odometer.Metered;
import dev.odometer.Quantity;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Sends email. Billed per recipient; a message that fails is not billed. */
public class MailService {
    private final AtomicLong recipientsDelivered = new AtomicLong();

    @Metered("email")
    public void send(@Quantity List<String> recipients, String subject) {
        for (String recipient : recipients) {
            if (recipient == null || !recipient.contains("@")) {
                throw new IllegalArgumentException("not an email address: " + recipient);
            }
        }
        // a real service would hand the message to its SMTP relay here
        recipientsDelivered.addAndGet(recipients.size());
    }

    /** What this service did, by its own count. */
    public long recipientsDelivered() {
        return recipientsDelivered.get();
    }
}
