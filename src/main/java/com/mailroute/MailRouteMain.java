package com.mailroute;
public class MailRouteMain { public static void main(String[] a) {} }
