package com.acme.app;

import dev.odometer.Metered;

/**
 * The smallest metered application: one metered call, then a marker class whose loading marks
 * the end of main in the class-load log (StartupFootprintIT counts the classes before it).
 */
public final class FootprintApp {
    public static void main(String[] args) throws Exception {
        long calls = new Billing().bill();
        Class.forName(EndOfMain.class.getName());
        System.out.println("app done " + calls);
    }

    public static final class Billing {
        @Metered("calls")
        public long bill() {
            return 1;
        }
    }

    static final class EndOfMain {
    }
}
