package dev.odometer.bench.tools;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Draws the charts of docs/BENCHMARKS.md from the harnesses' CSV results, with Java2D (no
 * plotting library needed): per-call cost (log scale, 1 and 2 threads, 99.9% error bars) and
 * start-up (median, interquartile box, min-max whiskers).
 *
 * <p>Usage: {@code Charts <results dir> <output dir> [per-call subtitle [start-up subtitle]]}
 */
public final class Charts {
    private static final Color[] SERIES = {new Color(0x2b6cb0), new Color(0xdd6b20)};
    private static final Color ODOMETER = new Color(0x2f855a);
    private static final Color GRID = new Color(0xdddddd);
    private static final Color TEXT = new Color(0x222222);

    private Charts() {
    }

    public static void main(String[] args) throws IOException {
        Path results = Path.of(args[0]);
        Path out = Path.of(args[1]);
        String subtitle = args.length > 2 ? args[2] : "";
        String startupSubtitle = args.length > 3 ? args[3] : subtitle;
        Files.createDirectories(out);
        for (String file : new String[] {"per-call.json", "per-call.csv"}) {
            Path perCall = results.resolve(file);
            if (Files.exists(perCall)) {
                Map<String, double[]> scores = perCallScores(perCall);
                perCallChart(scores, out.resolve("benchmarks-per-call.png"), subtitle);
                List<String> table = perCallTable(scores);
                Files.write(results.resolve("per-call-table.md"), table, StandardCharsets.UTF_8);
                table.forEach(System.out::println);
                break;
            }
        }
        Path startup = results.resolve("startup-summary.csv");
        if (Files.exists(startup)) {
            startupChart(startup, out.resolve("benchmarks-startup.png"), startupSubtitle);
        }
    }

    // ---- per call ---------------------------------------------------------------------------

    private static final String[][] ROWS = {
        {"plain", "plain method (no metering)"},
        {"odometer", "Odometer @Metered"},
        {"micrometer", "Micrometer Counter.increment()"},
        {"dropwizardCounter", "Dropwizard Counter.inc()"},
        {"dropwizardMeter", "Dropwizard Meter.mark()"},
        {"otelWithSpan", "OpenTelemetry agent @WithSpan"},
    };

    /**
     * Benchmark short name to {mean, 99.9% error, median of iterations (NaN from CSV), worst fork
     * mean, best fork mean}, from JMH's JSON (preferred: it has the raw iterations) or CSV.
     */
    static Map<String, double[]> perCallScores(Path file) throws IOException {
        Map<String, double[]> scores = new LinkedHashMap<>();
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (file.toString().endsWith(".csv")) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",");
                scores.put(shortName(unquote(f[0])), new double[] {Double.parseDouble(f[4]),
                    parseOrZero(f[5]), Double.NaN, Double.NaN, Double.NaN});
            }
            return scores;
        }
        String[] blocks = text.split("\"benchmark\"\\s*:\\s*\"");
        for (int i = 1; i < blocks.length; i++) {
            String b = blocks[i];
            String name = shortName(b.substring(0, b.indexOf('"')));
            String metric = b.substring(b.indexOf("\"primaryMetric\""));
            double score = number(metric, "\"score\"\\s*:\\s*([-0-9.eE]+|\"NaN\")");
            double error = number(metric, "\"scoreError\"\\s*:\\s*([-0-9.eE]+|\"NaN\")");
            double median = number(metric, "\"50\\.0\"\\s*:\\s*([-0-9.eE]+|\"NaN\")");
            // "rawData" : [ [fork 1 iterations], [fork 2 ...], ... ]
            int at = metric.indexOf('[', metric.indexOf("\"rawData\""));
            double worst = Double.NEGATIVE_INFINITY;
            double best = Double.POSITIVE_INFINITY;
            int depth = 0;
            StringBuilder fork = new StringBuilder();
            for (int c = at; c < metric.length(); c++) {
                char ch = metric.charAt(c);
                if (ch == '[') {
                    depth++;
                    fork.setLength(0);
                } else if (ch == ']') {
                    depth--;
                    if (depth == 0) {
                        break;
                    }
                    double sum = 0;
                    int n = 0;
                    for (String v : fork.toString().split(",")) {
                        if (!v.isBlank()) {
                            sum += Double.parseDouble(v.trim());
                            n++;
                        }
                    }
                    if (n > 0) {
                        worst = Math.max(worst, sum / n);
                        best = Math.min(best, sum / n);
                    }
                } else if (depth == 2) {
                    fork.append(ch);
                }
            }
            scores.put(name, new double[] {score, Double.isNaN(error) ? 0 : error, median, worst,
                best});
        }
        return scores;
    }

    private static double number(String text, String regex) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(regex).matcher(text);
        if (!m.find() || m.group(1).contains("NaN")) {
            return Double.NaN;
        }
        return Double.parseDouble(m.group(1));
    }

    private static String shortName(String benchmark) {
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    /** The per-call figures as Markdown tables: 1 thread, then 2 threads, then the controls. */
    static List<String> perCallTable(Map<String, double[]> scores) {
        List<String> out = new ArrayList<>();
        String[] suffix = {"", "_2threads"};
        String[] title = {"1 thread", "2 threads"};
        for (int t = 0; t < 2; t++) {
            double[] plain = scores.get("plain" + suffix[t]);
            double[] odometer = scores.get("odometer" + suffix[t]);
            if (plain == null || odometer == null) {
                continue;
            }
            out.add("");
            out.add("**" + title[t] + "** (ns/op: JMH mean ± 99.9% error over 3 forks × 5 "
                    + "iterations; median iteration; slowest and fastest fork mean)");
            out.add("");
            out.add("| row | ns/op | median | forks | × plain | added vs plain (ns) "
                    + "| × Odometer |");
            out.add("|---|---:|---:|---:|---:|---:|---:|");
            for (String[] row : ROWS) {
                double[] v = scores.get(row[0] + suffix[t]);
                if (v == null) {
                    continue;
                }
                String name = row[0].equals("odometer") ? "**" + row[1] + "**" : row[1];
                out.add("| " + name + " | " + num(v[0]) + " ± " + num(v[1]) + " | "
                        + (Double.isNaN(v[2]) ? "" : num(v[2])) + " | "
                        + (Double.isNaN(v[4]) ? "" : num(v[4]) + "–" + num(v[3])) + " | "
                        + String.format(Locale.ROOT, "%.2f", v[0] / plain[0]) + " | "
                        + (row[0].equals("plain") ? "" : String.format(Locale.ROOT, "%+.2f",
                                v[0] - plain[0])) + " | "
                        + (row[0].equals("plain") ? "" : String.format(Locale.ROOT, "%.2f",
                                v[0] / odometer[0])) + " |");
            }
        }
        out.add("");
        out.add("**Controls** (the plain method with an agent attached that has nothing to meter in "
                + "it)");
        out.add("");
        out.add("| row | ns/op | × plain |");
        out.add("|---|---:|---:|");
        double[] plain = scores.get("plain");
        for (String control : new String[] {"control_plainUnderOdometerAgent",
            "control_plainUnderOtelAgent"}) {
            double[] v = scores.get(control);
            if (v != null && plain != null) {
                out.add("| " + control + " | " + num(v[0]) + " ± " + num(v[1]) + " | "
                        + String.format(Locale.ROOT, "%.2f", v[0] / plain[0]) + " |");
            }
        }
        return out;
    }

    private static void perCallChart(Map<String, double[]> scores, Path png, String subtitle)
            throws IOException {
        int width = 1100;
        int rowHeight = 58;
        int top = 96;
        int left = 300;
        int right = 150;
        int height = top + ROWS.length * rowHeight + 70;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(image);
        title(g, "Cost of one counted call (ns/op, lower is better, log scale)", subtitle);

        double min = 1;
        double max = 1;
        for (double[] v : scores.values()) {
            max = Math.max(max, v[0] + v[1]);
        }
        max = Math.pow(10, Math.ceil(Math.log10(max * 1.2)));
        int plotWidth = width - left - right;
        double lmin = Math.log10(min);
        double lmax = Math.log10(max);
        java.util.function.DoubleUnaryOperator x = v -> left
                + plotWidth * (Math.log10(Math.max(v, min)) - lmin) / (lmax - lmin);

        // grid
        g.setFont(new Font("DejaVu Sans", Font.PLAIN, 12));
        int plotBottom = top + ROWS.length * rowHeight;
        for (double decade = min; decade <= max * 1.0001; decade *= 10) {
            for (int m : new int[] {1, 2, 5}) {
                double v = decade * m;
                if (v > max * 1.0001 || v < min) {
                    continue;
                }
                int gx = (int) x.applyAsDouble(v);
                g.setColor(GRID);
                g.drawLine(gx, top - 6, gx, plotBottom);
                g.setColor(TEXT);
                centered(g, compact(v), gx, plotBottom + 18);
            }
        }
        centered(g, "ns per call", left + plotWidth / 2, plotBottom + 38);

        // bars
        String[] suffix = {"", "_2threads"};
        for (int r = 0; r < ROWS.length; r++) {
            int y = top + r * rowHeight;
            boolean ours = ROWS[r][0].equals("odometer");
            g.setFont(new Font("DejaVu Sans", ours ? Font.BOLD : Font.PLAIN, 14));
            g.setColor(ours ? ODOMETER : TEXT);
            g.drawString(ROWS[r][1], 16, y + rowHeight / 2 + 5);
            for (int s = 0; s < 2; s++) {
                double[] v = scores.get(ROWS[r][0] + suffix[s]);
                if (v == null) {
                    continue;
                }
                int barTop = y + 8 + s * 21;
                int barEnd = (int) x.applyAsDouble(v[0]);
                g.setColor(ours ? (s == 0 ? ODOMETER : ODOMETER.brighter()) : SERIES[s]);
                g.fillRect(left, barTop, Math.max(1, barEnd - left), 18);
                // 99.9% error bar
                g.setColor(TEXT);
                g.setStroke(new BasicStroke(1.2f));
                int lo = (int) x.applyAsDouble(Math.max(min, v[0] - v[1]));
                int hi = (int) x.applyAsDouble(v[0] + v[1]);
                g.drawLine(lo, barTop + 9, hi, barTop + 9);
                g.drawLine(lo, barTop + 4, lo, barTop + 14);
                g.drawLine(hi, barTop + 4, hi, barTop + 14);
                g.setFont(new Font("DejaVu Sans", Font.PLAIN, 12));
                g.drawString(String.format(Locale.ROOT, "%s ± %s", num(v[0]), num(v[1])),
                        hi + 6, barTop + 14);
            }
        }
        // legend
        g.setFont(new Font("DejaVu Sans", Font.PLAIN, 13));
        int ly = height - 20;
        legend(g, SERIES[0], "1 thread", left - 100 + 100, ly);
        legend(g, SERIES[1], "2 threads (time per call, per thread)", left - 180 + 300, ly);
        g.setColor(TEXT);
        g.drawString("Odometer in green; whiskers: JMH 99.9% error", left + 420, ly + 1);
        write(image, png);
    }

    // ---- start-up -----------------------------------------------------------------------------

    private static void startupChart(Path csv, Path png, String subtitle) throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(csv, StandardCharsets.UTF_8)) {
            if (line.startsWith("end_of_main,")) {
                rows.add(line.split(","));
            }
        }
        Map<String, String> labels = Map.of("none", "no agent", "odometer", "Odometer agent",
                "odometer-before", "Odometer, before", "otel", "OpenTelemetry agent");
        int width = 1100;
        int rowHeight = 70;
        int top = 96;
        int left = 220;
        int right = 190;
        int height = top + rows.size() * rowHeight + 70;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(image);
        title(g, "Start-up: JVM start to end of main (ms, lower is better)", subtitle);
        double max = 0;
        for (String[] r : rows) {
            max = Math.max(max, Double.parseDouble(r[7]));
        }
        double step = niceStep(max / 8);
        max = Math.ceil(max * 1.05 / step) * step;
        int plotWidth = width - left - right;
        final double scaleMax = max;
        java.util.function.DoubleUnaryOperator x = v -> left + plotWidth * v / scaleMax;
        int plotBottom = top + rows.size() * rowHeight;
        g.setFont(new Font("DejaVu Sans", Font.PLAIN, 12));
        for (double v = 0; v <= max + 1e-9; v += step) {
            int gx = (int) x.applyAsDouble(v);
            g.setColor(GRID);
            g.drawLine(gx, top - 6, gx, plotBottom);
            g.setColor(TEXT);
            centered(g, String.valueOf((long) v), gx, plotBottom + 18);
        }
        centered(g, "ms from JVM start to the end of main", left + plotWidth / 2, plotBottom + 38);
        double none = Double.parseDouble(rows.get(0)[3]);
        for (int i = 0; i < rows.size(); i++) {
            String[] r = rows.get(i);
            double median = Double.parseDouble(r[3]);
            double p25 = Double.parseDouble(r[4]);
            double p75 = Double.parseDouble(r[5]);
            double lo = Double.parseDouble(r[6]);
            double hi = Double.parseDouble(r[7]);
            int y = top + i * rowHeight;
            boolean ours = r[1].equals("odometer");
            g.setFont(new Font("DejaVu Sans", ours ? Font.BOLD : Font.PLAIN, 14));
            g.setColor(ours ? ODOMETER : TEXT);
            g.drawString(labels.getOrDefault(r[1], r[1]), 16, y + rowHeight / 2 + 5);
            int mid = y + rowHeight / 2;
            g.setColor(ours ? ODOMETER : SERIES[0]);
            g.fillRect(left, mid - 14, (int) x.applyAsDouble(median) - left, 28);
            // IQR box and min-max whiskers
            g.setColor(TEXT);
            g.setStroke(new BasicStroke(1.2f));
            int bx0 = (int) x.applyAsDouble(p25);
            int bx1 = (int) x.applyAsDouble(p75);
            g.drawRect(bx0, mid - 8, Math.max(1, bx1 - bx0), 16);
            int wx0 = (int) x.applyAsDouble(lo);
            int wx1 = (int) x.applyAsDouble(hi);
            g.drawLine(wx0, mid, bx0, mid);
            g.drawLine(bx1, mid, wx1, mid);
            g.drawLine(wx0, mid - 5, wx0, mid + 5);
            g.drawLine(wx1, mid - 5, wx1, mid + 5);
            g.setFont(new Font("DejaVu Sans", Font.PLAIN, 12));
            String text = String.format(Locale.ROOT, "median %.0f", median)
                    + (i == 0 ? "" : String.format(Locale.ROOT, " (+%.0f)", median - none));
            g.drawString(text, wx1 + 8, mid + 5);
        }
        g.setFont(new Font("DejaVu Sans", Font.PLAIN, 13));
        g.setColor(TEXT);
        g.drawString("bar: median; box: 25th-75th percentile; whiskers: min-max; "
                + "(+N): median minus the no-agent median", left, height - 20);
        write(image, png);
    }

    // ---- drawing helpers ----------------------------------------------------------------------

    private static Graphics2D canvas(BufferedImage image) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
                RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        return g;
    }

    private static void title(Graphics2D g, String title, String subtitle) {
        g.setColor(TEXT);
        g.setFont(new Font("DejaVu Sans", Font.BOLD, 19));
        g.drawString(title, 16, 32);
        g.setFont(new Font("DejaVu Sans", Font.PLAIN, 13));
        g.setColor(new Color(0x555555));
        g.drawString(subtitle, 16, 56);
    }

    private static void legend(Graphics2D g, Color color, String text, int x, int y) {
        g.setColor(color);
        g.fillRect(x, y - 11, 14, 14);
        g.setColor(TEXT);
        g.drawString(text, x + 20, y + 1);
    }

    private static void centered(Graphics2D g, String text, int x, int y) {
        FontMetrics m = g.getFontMetrics();
        g.drawString(text, x - m.stringWidth(text) / 2, y);
    }

    private static String compact(double v) {
        return v >= 1000 ? (long) (v / 1000) + "k" : String.valueOf((long) v);
    }

    private static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (p * m >= raw) {
                return p * m;
            }
        }
        return p * 10;
    }

    private static String num(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v)
                : v >= 10 ? String.format(Locale.ROOT, "%.1f", v)
                : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String unquote(String s) {
        return s.replace("\"", "");
    }

    private static double parseOrZero(String s) {
        try {
            double v = Double.parseDouble(unquote(s));
            return Double.isNaN(v) ? 0 : v; // JMH gives NaN when there are too few samples
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void write(BufferedImage image, Path png) throws IOException {
        ImageIO.write(image, "png", png.toFile());
        System.out.println("[charts] wrote " + png);
    }
}
