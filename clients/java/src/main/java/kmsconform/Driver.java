package kmsconform;

public final class Driver {
    public static void main(String[] args) {
        System.out.println("{}");
    }
}
