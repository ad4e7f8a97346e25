package dev.odometer.bench.tools;

import java.util.Arrays;
import java.util.List;

/** Order statistics of a sample; what the harnesses report. */
final class Stats {
    final int n;
    final double min;
    final double p25;
    final double median;
    final double p75;
    final double max;
    final double mean;
    final double stdev;

    Stats(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        n = v.length;
        min = v[0];
        max = v[n - 1];
        median = quantile(v, 0.5);
        p25 = quantile(v, 0.25);
        p75 = quantile(v, 0.75);
        mean = Arrays.stream(v).average().orElse(Double.NaN);
        double ss = 0;
        for (double x : v) {
            ss += (x - mean) * (x - mean);
        }
        stdev = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
    }

    /** Linear interpolation between closest ranks (R type 7, as numpy's default). */
    private static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
