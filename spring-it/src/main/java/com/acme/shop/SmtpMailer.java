package com.acme.shop;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Service;

/** The {@link Mailer} bean; the aspect proxies it. sendAll calls the metered send per recipient. */
@Service
@Audited
public class SmtpMailer implements Mailer {
    private final AtomicLong sent = new AtomicLong();

    @Override
    public void send(String to) {
        sent.incrementAndGet();
    }

    @Override
    public int sendAll(List<String> recipients) {
        for (String to : recipients) {
            send(to);
        }
        return recipients.size();
    }
}
