package com.mailroute.testsupport;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SetResponse;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.Zone;

/**
 * An authoritative DNS server for tests, answering real DNS packets over UDP and TCP on
 * 127.0.0.1 (same port for both). It serves one zone rooted at "." built from master-file text, so
 * any name can be in it; names not in it get NXDOMAIN, names without the asked type get NODATA,
 * both with the SOA in the authority section (so resolvers cache them for the SOA minimum).
 *
 * <pre>
 * try (TestDnsServer dns = TestDnsServer.start("""
 *         $TTL 3600
 *         example.test.      MX 10 mx1.example.test.
 *         mx1.example.test.  A  127.0.0.2
 *         """)) {
 *     new DnsLookup(List.of(dns.address()), Duration.ofSeconds(2), 100) ...
 *     dns.queries("example.test", "MX");   // how many MX queries arrived
 * }
 * </pre>
 *
 * Write names absolute (trailing dot) or after an {@code $ORIGIN} line. A SOA and NS for "." are
 * added when the text has none; the added SOA's TTL and minimum are the smallest TTL in the text,
 * so negative answers expire as fast as positive ones.
 */
public final class TestDnsServer implements AutoCloseable {

    private final Zone zone;
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final Set<Name> servfail = ConcurrentHashMap.newKeySet();
    private final Set<Name> silent = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> queryCounts = new ConcurrentHashMap<>();
    private final AtomicInteger totalQueries = new AtomicInteger();
    private final List<Socket> connections = new ArrayList<>();
    private volatile boolean closed;

    private TestDnsServer(Zone zone, DatagramSocket udp, ServerSocket tcp) {
        this.zone = zone;
        this.udp = udp;
        this.tcp = tcp;
    }

    /** Starts a server on a free 127.0.0.1 port serving the records in {@code zoneText}. */
    public static TestDnsServer start(String zoneText) {
        Zone zone = parseZone(zoneText);
        IOException last = null;
        // UDP and TCP must share one port: take a free TCP port, then try the same UDP port.
        for (int attempt = 0; attempt < 20; attempt++) {
            ServerSocket tcp = null;
            try {
                tcp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), tcp.getLocalPort()));
                TestDnsServer server = new TestDnsServer(zone, udp, tcp);
                server.startThreads();
                return server;
            } catch (IOException e) {
                last = e;
                closeQuietly(tcp);
            }
        }
        throw new UncheckedIOException("no free port for UDP and TCP together", last);
    }

    /** The port answering both UDP and TCP. */
    public int port() {
        return tcp.getLocalPort();
    }

    /** "127.0.0.1:port", the form DnsLookup and mailroute.dns.servers take. */
    public String address() {
        return "127.0.0.1:" + port();
    }

    /** From now on every query for {@code name} (any type) is answered SERVFAIL. */
    public void servfail(String name) {
        servfail.add(name(name));
    }

    /** From now on queries for {@code name} (any type) are received and counted but never answered. */
    public void neverAnswer(String name) {
        silent.add(name(name));
    }

    /** How many queries for {@code name} with type {@code type} ("MX", "A", "AAAA", ...) arrived, UDP and TCP. */
    public int queries(String name, String type) {
        AtomicInteger count = queryCounts.get(key(name(name), Type.value(type)));
        return count == null ? 0 : count.get();
    }

    /** How many queries arrived in all. */
    public int totalQueries() {
        return totalQueries.get();
    }

    @Override
    public void close() {
        closed = true;
        udp.close();
        closeQuietly(tcp);
        synchronized (connections) {
            connections.forEach(TestDnsServer::closeQuietly);
        }
    }

    private void startThreads() {
        daemon("test-dns-udp-" + port(), this::serveUdp);
        daemon("test-dns-tcp-" + port(), this::acceptTcp);
    }

    private static void daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }

    private void serveUdp() {
        byte[] buffer = new byte[65535];
        while (!closed) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                udp.receive(packet);
                Message query = new Message(Arrays.copyOf(packet.getData(), packet.getLength()));
                Message response = answer(query);
                if (response != null) {
                    OPTRecord opt = query.getOPT();
                    int max = opt == null ? 512 : Math.max(512, opt.getPayloadSize());
                    byte[] wire = response.toWire(max); // sets TC when it does not fit: client retries on TCP
                    udp.send(new DatagramPacket(wire, wire.length, packet.getSocketAddress()));
                }
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                // a malformed packet: ignore it, as a real server would
            }
        }
    }

    private void acceptTcp() {
        while (!closed) {
            try {
                Socket socket = tcp.accept();
                synchronized (connections) {
                    connections.add(socket);
                }
                daemon("test-dns-tcp-conn-" + port(), () -> serveTcp(socket));
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void serveTcp(Socket socket) {
        try (socket) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            while (!closed) {
                byte[] packet = new byte[in.readUnsignedShort()];
                in.readFully(packet);
                Message response = answer(new Message(packet));
                if (response != null) {
                    byte[] wire = response.toWire();
                    out.writeShort(wire.length);
                    out.write(wire);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // client closed the connection, or the server is closing
        }
    }

    /** The response to a query, or null to stay silent. */
    private Message answer(Message query) {
        Record question = query.getQuestion();
        if (question == null) {
            return null;
        }
        Name name = question.getName();
        totalQueries.incrementAndGet();
        queryCounts.computeIfAbsent(key(name, question.getType()), k -> new AtomicInteger()).incrementAndGet();
        if (silent.contains(name)) {
            return null;
        }
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        response.addRecord(question, Section.QUESTION);
        if (query.getOPT() != null) {
            response.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
        }
        if (servfail.contains(name)) {
            response.getHeader().setRcode(Rcode.SERVFAIL);
            return response;
        }
        response.getHeader().setFlag(Flags.AA);
        fillAnswer(response, name, question.getType());
        return response;
    }

    private void fillAnswer(Message response, Name name, int type) {
        // Follow CNAMEs inside the zone, as authoritative servers do (bounded against loops).
        for (int hops = 0; hops < 8; hops++) {
            SetResponse found = zone.findRecords(name, type);
            if (found.isSuccessful()) {
                found.answers().forEach(rrset -> addRRset(response, rrset, Section.ANSWER));
                return;
            }
            if (found.isCNAME()) {
                response.addRecord(found.getCNAME(), Section.ANSWER);
                name = found.getCNAME().getTarget();
                continue;
            }
            if (found.isDelegation()) {
                response.getHeader().unsetFlag(Flags.AA);
                addRRset(response, found.getNS(), Section.AUTHORITY);
                return;
            }
            if (found.isNXDOMAIN()) {
                response.getHeader().setRcode(Rcode.NXDOMAIN);
            }
            response.addRecord(zone.getSOA(), Section.AUTHORITY);
            return;
        }
    }

    private static void addRRset(Message response, RRset rrset, int section) {
        rrset.rrs(false).forEach(record -> response.addRecord(record, section));
    }

    private static Zone parseZone(String zoneText) {
        List<Record> records = parseRecords(zoneText);
        long minTtl = records.stream().mapToLong(Record::getTTL).min().orElse(3600);
        boolean hasSoa = records.stream().anyMatch(r -> r.getType() == Type.SOA);
        boolean hasNs = records.stream().anyMatch(r -> r.getType() == Type.NS && r.getName().equals(Name.root));
        try {
            Name ns = Name.fromString("ns.test.");
            if (!hasSoa) {
                records.add(new SOARecord(Name.root, DClass.IN, minTtl, ns, Name.fromString("hostmaster.test."),
                        1, 3600, 600, 86400, minTtl));
            }
            if (!hasNs) {
                records.add(new NSRecord(Name.root, DClass.IN, minTtl, ns));
            }
            return new Zone(Name.root, records.toArray(new Record[0]));
        } catch (IOException e) {
            throw new IllegalArgumentException("invalid test zone: " + e.getMessage(), e);
        }
    }

    private static List<Record> parseRecords(String text) {
        List<Record> records = new ArrayList<>();
        try (Master master = new Master(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), Name.root, 3600)) {
            Record record;
            while ((record = master.nextRecord()) != null) {
                records.add(record);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("invalid zone text: " + e.getMessage(), e);
        }
        return records;
    }

    private static Name name(String name) {
        try {
            return Name.fromString(name.toLowerCase(Locale.ROOT), Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("invalid name: " + name, e);
        }
    }

    private static String key(Name name, int type) {
        return name.toString().toLowerCase(Locale.ROOT) + "/" + Type.string(type);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            // closing: nothing left to do
        }
    }
}
