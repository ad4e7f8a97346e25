package com.acme.shop;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The shop's HTTP API. {@link #search} is metered from the config's {@code methods:} list, not
 * by an annotation; the aspect proxies this controller too.
 */
@RestController
@Audited
public class ShopController {
    private final OrderService orders;
    private final PriceService prices;
    private final Mailer mailer;
    private final ReportService reports;
    private final ThumbnailService thumbnails;
    private final ExportService exports;
    private final ShutdownGate gate;

    public ShopController(OrderService orders, PriceService prices, Mailer mailer,
                          ReportService reports, ThumbnailService thumbnails,
                          ExportService exports, ShutdownGate gate) {
        this.orders = orders;
        this.prices = prices;
        this.mailer = mailer;
        this.reports = reports;
        this.thumbnails = thumbnails;
        this.exports = exports;
        this.gate = gate;
    }

    @PostMapping("/orders")
    public String order(@RequestParam("items") int items) {
        return "order " + orders.place(items);
    }

    @GetMapping("/quotes/{product}")
    public String quote(@PathVariable("product") String product) {
        return prices.quote(product);
    }

    @PostMapping("/newsletter")
    public String newsletter(@RequestParam("recipients") int recipients) {
        List<String> to = new ArrayList<>();
        for (int i = 0; i < recipients; i++) {
            to.add("reader-" + i + "@example.com");
        }
        return "sent " + mailer.sendAll(to);
    }

    @GetMapping("/search")
    public String search(@RequestParam("q") String query) {
        return "results for " + query;
    }

    @PostMapping("/reports")
    public String report(@RequestParam("pages") int pages) {
        return reports.render(pages);
    }

    @PostMapping("/thumbnails")
    public ResponseEntity<String> thumbnails(@RequestParam("images") int images,
                                             @RequestParam(name = "fail", defaultValue = "false")
                                             boolean fail) throws InterruptedException {
        try {
            return ResponseEntity.ok(thumbnails.render(images, fail).get(30, TimeUnit.SECONDS));
        } catch (ExecutionException | TimeoutException e) {
            return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR).body(e.toString());
        }
    }

    /** A slow request: it waits until the service is shutting down, works 300 ms, then bills. */
    @PostMapping("/exports")
    public String export(@RequestParam("rows") int rows) throws InterruptedException {
        gate.awaitShutdown();
        TimeUnit.MILLISECONDS.sleep(300); // the rest of the export's work
        return exports.export(rows);
    }

    @GetMapping("/exports/waiting")
    public String waiting() {
        return String.valueOf(gate.waiting());
    }
}
