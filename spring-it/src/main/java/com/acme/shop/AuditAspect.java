package com.acme.shop;

import java.util.concurrent.atomic.AtomicLong;
import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.annotation.Around;
import org.aspectj.lang.annotation.Aspect;
import org.springframework.stereotype.Component;

/** An around advice on every {@link Audited} bean, as tracing, metrics or security aspects are. */
@Aspect
@Component
public class AuditAspect {
    private final AtomicLong calls = new AtomicLong();

    @Around("@within(com.acme.shop.Audited)")
    public Object audit(ProceedingJoinPoint call) throws Throwable {
        calls.incrementAndGet();
        return call.proceed();
    }
}
