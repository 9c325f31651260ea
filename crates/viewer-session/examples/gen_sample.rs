//! Writes the bundled demo trace `public/samples/shop-checkout.json` (Jaeger JSON) to stdout:
//! one bulk checkout in a 12-service shop, a few thousand spans with nested RPC fan-out,
//! database and cache calls, tags, logs, three failures with retries, a message-queue hop
//! (FOLLOWS_FROM) and one host whose clock runs early (so skew correction has work to do).
//!
//! `cargo run -p viewer-session --example gen_sample > public/samples/shop-checkout.json`
//!
//! Deterministic: a fixed-seed generator, no clock, no hash-map ordering, so the committed
//! file only changes when this program does.

use serde_json::{json, Value};

/// Order lines in the bulk (B2B) checkout: sets the trace size (~15 spans per line).
const LINES: usize = 256;
/// How many per-line lookups the checkout service runs at once.
const FAN_OUT: usize = 8;
/// Trace start (µs since the epoch): 2016-06-20 19:00 PDT, the meetup's evening.
const T0: i64 = 1_466_474_400_000_000;
/// The shipping host's clock is this far behind (µs): its server spans appear to start
/// before the calls that caused them.
const SHIPPING_SKEW: i64 = -3_200;

/// The sample's randomness: fastrand's thread-local generator, seeded once in `main` (free
/// functions, so `g.close(k, t + range(..))` needs no second borrow of `g`).
const SEED: u64 = 0x5EED_0620_2016;

/// Uniform in `lo..=hi`.
fn range(lo: i64, hi: i64) -> i64 {
    fastrand::i64(lo..=hi)
}

fn chance(p: f64) -> bool {
    fastrand::f64() < p
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Server,
    Client,
    Producer,
    Consumer,
    Internal,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Server => "server",
            Kind::Client => "client",
            Kind::Producer => "producer",
            Kind::Consumer => "consumer",
            Kind::Internal => "internal",
        }
    }
}

/// (service, host, version)
const SERVICES: [(&str, &str, &str); 12] = [
    ("frontend", "web-7d9f8-x2lqp", "2.14.0"),
    ("api-gateway", "gw-5c6b4-k8s7d", "1.9.3"),
    ("user-profile", "users-6f7c9-qq2vz", "3.2.1"),
    ("checkout", "checkout-84d5b-m4r9t", "5.0.2"),
    ("cart", "cart-7b8c6-z9wql", "1.22.0"),
    ("catalog", "catalog-59f7d-hv6pn", "4.8.1"),
    ("pricing", "pricing-6c9d8-t7xkm", "2.3.0"),
    ("inventory", "inventory-7f5c4-b2nds", "3.11.4"),
    ("payment", "payment-5d8f9-w3jzr", "6.1.0"),
    ("fraud-detection", "fraud-78c6d-p5vfk", "0.19.2"),
    ("shipping", "shipping-6b9f7-c8hmq", "2.0.7"),
    ("notification", "notify-5f6d8-r4tlx", "1.4.5"),
];

struct Span {
    id: String,
    parent: Option<(String, &'static str)>,
    service: usize,
    name: String,
    start: i64,
    dur: i64,
    tags: Vec<Value>,
    logs: Vec<Value>,
}

struct Gen {
    trace_id: String,
    spans: Vec<Span>,
}

fn svc(name: &str) -> usize {
    SERVICES.iter().position(|s| s.0 == name).unwrap_or(0)
}

fn tag(key: &str, v: Value) -> Value {
    let ty = match &v {
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_i64() => "int64",
        Value::Number(_) => "float64",
        _ => "string",
    };
    json!({ "key": key, "type": ty, "value": v })
}

impl Gen {
    fn id(&mut self) -> String {
        format!("{:016x}", fastrand::u64(..))
    }

    /// Opens a span; its duration is set by `close` once its children are laid out.
    fn open(
        &mut self,
        service: usize,
        name: &str,
        kind: Kind,
        parent: Option<&str>,
        start: i64,
    ) -> usize {
        let id = self.id();
        self.spans.push(Span {
            id,
            parent: parent.map(|p| (p.to_string(), "CHILD_OF")),
            service,
            name: name.to_string(),
            start,
            dur: 0,
            tags: vec![tag("span.kind", json!(kind.as_str()))],
            logs: Vec::new(),
        });
        self.spans.len() - 1
    }

    fn close(&mut self, k: usize, end: i64) -> i64 {
        let s = &mut self.spans[k];
        s.dur = (end - s.start).max(1);
        end
    }

    fn sid(&self, k: usize) -> String {
        self.spans[k].id.clone()
    }

    fn tag(&mut self, k: usize, key: &str, v: Value) {
        self.spans[k].tags.push(tag(key, v));
    }

    fn log(&mut self, k: usize, at: i64, fields: &[(&str, Value)]) {
        let fields: Vec<Value> = fields.iter().map(|(k, v)| tag(k, v.clone())).collect();
        self.spans[k]
            .logs
            .push(json!({ "timestamp": at, "fields": fields }));
    }

    fn fail(&mut self, k: usize, at: i64, kind: &str, message: &str) {
        self.tag(k, "error", json!(true));
        self.tag(k, "otel.status_code", json!("ERROR"));
        self.log(
            k,
            at,
            &[
                ("event", json!("error")),
                ("error.kind", json!(kind)),
                ("message", json!(message)),
            ],
        );
    }

    /// A gRPC call from `from` to `to`: client span in the caller, server span in the callee
    /// (with the callee host's clock offset), `body` laying out the server's work and
    /// returning when it ends. Returns (client end, server span).
    fn grpc(
        &mut self,
        parent: usize,
        from: usize,
        to: usize,
        method: &str,
        start: i64,
        body: impl FnOnce(&mut Gen, usize, i64) -> i64,
    ) -> (i64, usize) {
        let (rpc_service, rpc_method) = method.split_once('/').unwrap_or((method, method));
        let pid = self.sid(parent);
        let c = self.open(from, method, Kind::Client, Some(&pid), start);
        self.tag(c, "rpc.system", json!("grpc"));
        self.tag(c, "rpc.service", json!(rpc_service));
        self.tag(c, "rpc.method", json!(rpc_method));
        self.tag(c, "peer.service", json!(SERVICES[to].0));
        self.tag(c, "net.peer.name", json!(SERVICES[to].1));
        let skew = if SERVICES[to].0 == "shipping" {
            SHIPPING_SKEW
        } else {
            0
        };
        let s0 = start + range(120, 450);
        let cid = self.sid(c);
        let s = self.open(to, method, Kind::Server, Some(&cid), s0 + skew);
        self.tag(s, "rpc.system", json!("grpc"));
        self.tag(s, "rpc.service", json!(rpc_service));
        self.tag(s, "rpc.method", json!(rpc_method));
        let end = body(self, s, s0 + skew + range(20, 80));
        let s_end = self.close(s, end + range(15, 60));
        self.tag(s, "rpc.grpc.status_code", json!(0));
        self.tag(c, "rpc.grpc.status_code", json!(0));
        let c_end = self.close(c, s_end - skew + range(120, 450));
        (c_end, s)
    }

    fn redis(&mut self, parent: usize, cmd: &str, key: &str, start: i64) -> (i64, usize) {
        let pid = self.sid(parent);
        let service = self.spans[parent].service;
        let k = self.open(service, cmd, Kind::Client, Some(&pid), start);
        self.tag(k, "db.system", json!("redis"));
        self.tag(k, "db.statement", json!(format!("{cmd} {key}")));
        self.tag(k, "peer.service", json!("redis"));
        self.tag(k, "net.peer.name", json!("redis-master.cache.svc"));
        let end = start + range(140, 650);
        (self.close(k, end), k)
    }

    fn sql(
        &mut self,
        parent: usize,
        op: &str,
        table: &str,
        stmt: &str,
        start: i64,
    ) -> (i64, usize) {
        let pid = self.sid(parent);
        let service = self.spans[parent].service;
        let k = self.open(
            service,
            &format!("{op} {table}"),
            Kind::Client,
            Some(&pid),
            start,
        );
        self.tag(k, "db.system", json!("postgresql"));
        self.tag(k, "db.name", json!("shop"));
        self.tag(k, "db.operation", json!(op));
        self.tag(k, "db.sql.table", json!(table));
        self.tag(k, "db.statement", json!(stmt));
        self.tag(k, "peer.service", json!("postgres"));
        let end = start + range(700, 5_500);
        (self.close(k, end), k)
    }

    fn internal(&mut self, parent: usize, name: &str, start: i64, dur: (i64, i64)) -> i64 {
        let pid = self.sid(parent);
        let service = self.spans[parent].service;
        let k = self.open(service, name, Kind::Internal, Some(&pid), start);
        let d = range(dur.0, dur.1);
        self.close(k, start + d)
    }

    /// One order line's lookups: product (cache, then database on a miss), price (with
    /// promotions) and stock in two warehouses, all from the checkout service.
    fn line_lookups(&mut self, parent: usize, line: usize, sku: &str, start: i64) -> i64 {
        let (checkout, catalog, pricing, inventory) = (
            svc("checkout"),
            svc("catalog"),
            svc("pricing"),
            svc("inventory"),
        );
        let sku_c = sku.to_string();
        let (a, _) = self.grpc(
            parent,
            checkout,
            catalog,
            "catalog.v1.CatalogService/GetProduct",
            start,
            move |g, s, t| {
                g.tag(s, "product.sku", json!(sku_c));
                let (mut t, r) = g.redis(s, "GET", &format!("product:{sku_c}"), t);
                // One cache call times out; the service falls back to the database.
                let timed_out = line == 41;
                if timed_out {
                    g.fail(r, t, "TimeoutError", "redis: i/o timeout after 500ms");
                    let d = &mut g.spans[r];
                    d.dur += 500_000;
                    t += 500_000;
                }
                if timed_out || chance(0.3) {
                    g.log(
                        s,
                        t,
                        &[
                            ("event", json!("cache miss")),
                            ("product.sku", json!(sku_c)),
                        ],
                    );
                    let (t2, _) = g.sql(
                        s,
                        "SELECT",
                        "products",
                        "SELECT id, sku, title, variants FROM products WHERE sku = $1",
                        t + 30,
                    );
                    let (t3, _) = g.redis(s, "SET", &format!("product:{sku_c}"), t2 + 20);
                    t = t3;
                }
                g.internal(s, "decode product", t + 10, (40, 400))
            },
        );
        let sku_p = sku.to_string();
        let (b, _) = self.grpc(
            parent,
            checkout,
            pricing,
            "pricing.v1.PricingService/GetPrice",
            start + range(5, 60),
            move |g, s, t| {
                g.tag(s, "product.sku", json!(sku_p));
                let (t, _) = g.sql(
                    s,
                    "SELECT",
                    "prices",
                    "SELECT amount, currency FROM prices WHERE sku = $1 AND valid_at @> now()",
                    t,
                );
                let (t, _) = g.redis(s, "SMEMBERS", &format!("promotions:{sku_p}"), t + 20);
                g.internal(s, "apply promotions", t + 10, (30, 900))
            },
        );
        let sku_i = sku.to_string();
        let (c, _) = self.grpc(
            parent,
            checkout,
            inventory,
            "inventory.v1.InventoryService/CheckStock",
            start + range(5, 60),
            move |g, s, t| {
                g.tag(s, "product.sku", json!(sku_i));
                let mut end = t;
                for wh in ["sfo-1", "oak-2"] {
                    let (e, k) = g.sql(
                        s,
                        "SELECT",
                        "stock",
                        "SELECT on_hand, reserved FROM stock WHERE sku = $1 AND warehouse = $2",
                        t + range(5, 40),
                    );
                    g.tag(k, "warehouse", json!(wh));
                    end = end.max(e);
                }
                end
            },
        );
        a.max(b).max(c)
    }
}

fn main() {
    fastrand::seed(SEED);
    let mut g = Gen {
        trace_id: String::new(),
        spans: Vec::new(),
    };
    g.trace_id = format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
    let skus: Vec<String> = (0..LINES)
        .map(|i| format!("SKU-{:05}", 10_000 + (i * 7_919) % 90_000))
        .collect();

    // frontend: the page request.
    let root = g.open(
        svc("frontend"),
        "GET /checkout/confirm",
        Kind::Server,
        None,
        T0,
    );
    g.tag(root, "http.method", json!("GET"));
    g.tag(root, "http.route", json!("/checkout/confirm"));
    g.tag(
        root,
        "http.url",
        json!("https://shop.example/checkout/confirm?cart=c-88213"),
    );
    g.tag(
        root,
        "http.user_agent",
        json!("Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0"),
    );
    let t = g.internal(root, "parse session cookie", T0 + 40, (60, 240));

    // api-gateway: POST /api/v1/orders -> user-profile, then checkout.
    let pid = g.sid(root);
    let gw_c = g.open(
        svc("frontend"),
        "POST /api/v1/orders",
        Kind::Client,
        Some(&pid),
        t + 20,
    );
    g.tag(gw_c, "http.method", json!("POST"));
    g.tag(gw_c, "http.url", json!("http://api-gateway/api/v1/orders"));
    g.tag(gw_c, "peer.service", json!("api-gateway"));
    let cid = g.sid(gw_c);
    let gw_start = t + 20 + range(200, 500);
    let gw = g.open(
        svc("api-gateway"),
        "POST /api/v1/orders",
        Kind::Server,
        Some(&cid),
        gw_start,
    );
    g.tag(gw, "http.method", json!("POST"));
    g.tag(gw, "http.route", json!("/api/v1/orders"));
    let t = g.internal(gw, "authenticate", gw_start + 30, (200, 900));
    let t = g.internal(gw, "rate limit", t + 10, (50, 150));
    let (t, _) = g.grpc(
        gw,
        svc("api-gateway"),
        svc("user-profile"),
        "users.v1.UserService/GetUser",
        t + 20,
        |g, s, t| {
            g.tag(s, "user.id", json!("u-40917"));
            let (t, _) = g.redis(s, "HGETALL", "user:u-40917", t);
            g.internal(s, "load preferences", t + 10, (100, 400))
        },
    );

    let (t, _) = g.grpc(
        gw,
        svc("api-gateway"),
        svc("checkout"),
        "checkout.v1.CheckoutService/PlaceOrder",
        t + 30,
        |g, co, t| {
            g.tag(co, "order.lines", json!(LINES as i64));
            g.tag(co, "customer.tier", json!("business"));
            let (t, _) = g.grpc(
                co,
                svc("checkout"),
                svc("cart"),
                "cart.v1.CartService/GetCart",
                t,
                |g, s, t| {
                    let (t, _) = g.redis(s, "HGETALL", "cart:c-88213", t);
                    g.internal(s, "validate cart", t + 10, (300, 1_200))
                },
            );
            // Per-line lookups in waves of FAN_OUT concurrent calls.
            let mut t = t + 50;
            for (wave, lines) in skus.chunks(FAN_OUT).enumerate() {
                let mut wave_end = t;
                for (k, sku) in lines.iter().enumerate() {
                    let line = wave * FAN_OUT + k;
                    let start = t + range(0, 120);
                    wave_end = wave_end.max(g.line_lookups(co, line, sku, start));
                }
                t = wave_end + range(20, 90);
            }
            let (t, _) = g.grpc(
                co,
                svc("checkout"),
                svc("pricing"),
                "pricing.v1.PricingService/CalculateTotals",
                t,
                |g, s, t| {
                    let t = g.internal(s, "apply volume discount", t, (300, 900));
                    let (t, _) = g.sql(
                        s,
                        "SELECT",
                        "tax_rates",
                        "SELECT rate FROM tax_rates WHERE region = $1",
                        t + 10,
                    );
                    g.internal(s, "compute tax", t + 10, (200, 600))
                },
            );
            // Reserve every line in one transaction; one deadlock is retried.
            let (t, _) = g.grpc(
                co,
                svc("checkout"),
                svc("inventory"),
                "inventory.v1.InventoryService/ReserveItems",
                t + 20,
                |g, s, t| {
                    let (mut t, _) = g.sql(s, "BEGIN", "stock", "BEGIN", t);
                    for (line, sku) in skus.iter().enumerate() {
                        let (e, k) = g.sql(
                            s,
                            "UPDATE",
                            "stock",
                            "UPDATE stock SET reserved = reserved + $2 WHERE sku = $1",
                            t + 15,
                        );
                        g.tag(k, "product.sku", json!(sku));
                        t = e;
                        if line == 63 {
                            g.fail(
                                k,
                                e,
                                "DeadlockDetected",
                                "ERROR: deadlock detected (SQLSTATE 40P01)",
                            );
                            g.log(s, e + 5, &[("event", json!("retrying after deadlock")), ("attempt", json!(2))]);
                            let (e2, k2) = g.sql(
                                s,
                                "UPDATE",
                                "stock",
                                "UPDATE stock SET reserved = reserved + $2 WHERE sku = $1",
                                e + 2_000,
                            );
                            g.tag(k2, "product.sku", json!(sku));
                            g.tag(k2, "retry.attempt", json!(2));
                            t = e2;
                        }
                    }
                    let (t, _) = g.sql(s, "COMMIT", "stock", "COMMIT", t + 10);
                    t
                },
            );
            // Payment: fraud scoring times out once, then the charge.
            let (t, pay) = g.grpc(
                co,
                svc("checkout"),
                svc("payment"),
                "payment.v1.PaymentService/Charge",
                t + 20,
                |g, s, t| {
                    g.tag(s, "payment.method", json!("card"));
                    g.tag(s, "payment.amount", json!(18_342.75));
                    g.tag(s, "payment.currency", json!("USD"));
                    let pid = g.sid(s);
                    let first = g.open(
                        svc("payment"),
                        "fraud.v1.FraudService/Score",
                        Kind::Client,
                        Some(&pid),
                        t,
                    );
                    g.tag(first, "rpc.system", json!("grpc"));
                    g.tag(first, "peer.service", json!("fraud-detection"));
                    g.tag(first, "rpc.grpc.status_code", json!(4));
                    let fid = g.sid(first);
                    let slow = g.open(
                        svc("fraud-detection"),
                        "fraud.v1.FraudService/Score",
                        Kind::Server,
                        Some(&fid),
                        t + 300,
                    );
                    let e = g.internal(slow, "load model features", t + 350, (180_000, 220_000));
                    g.internal(slow, "model inference", e + 20, (90_000, 120_000));
                    g.fail(slow, t + 250_000, "Cancelled", "context canceled: client deadline exceeded");
                    g.close(slow, t + 250_400);
                    g.close(first, t + 250_000);
                    g.fail(first, t + 250_000, "DEADLINE_EXCEEDED", "rpc error: code = DeadlineExceeded desc = context deadline exceeded after 250ms");
                    g.log(s, t + 250_050, &[("event", json!("retry")), ("attempt", json!(2)), ("backoff_ms", json!(25))]);
                    let (t, _) = g.grpc(
                        s,
                        svc("payment"),
                        svc("fraud-detection"),
                        "fraud.v1.FraudService/Score",
                        t + 275_100,
                        |g, f, t| {
                            let (t, _) = g.redis(f, "GET", "features:u-40917", t);
                            let t = g.internal(f, "model inference", t + 10, (8_000, 14_000));
                            g.tag(f, "fraud.score", json!(0.07));
                            t
                        },
                    );
                    let pid = g.sid(s);
                    let ext = g.open(
                        svc("payment"),
                        "POST /v1/charges",
                        Kind::Client,
                        Some(&pid),
                        t + 40,
                    );
                    g.tag(ext, "http.method", json!("POST"));
                    g.tag(ext, "http.url", json!("https://api.payments.example/v1/charges"));
                    g.tag(ext, "http.status_code", json!(200));
                    g.tag(ext, "peer.service", json!("payments-provider"));
                    let e = t + 40 + range(180_000, 320_000);
                    g.close(ext, e);
                    let (e, _) = g.sql(
                        s,
                        "INSERT",
                        "payments",
                        "INSERT INTO payments (order_id, amount, provider_ref) VALUES ($1, $2, $3)",
                        e + 30,
                    );
                    e
                },
            );
            g.tag(pay, "payment.status", json!("captured"));
            // Shipping quotes from three carriers in parallel.
            let (t, _) = g.grpc(
                co,
                svc("checkout"),
                svc("shipping"),
                "shipping.v1.ShippingService/Quote",
                t + 20,
                |g, s, t| {
                    let mut end = t;
                    for carrier in ["ups", "fedex", "usps"] {
                        let pid = g.sid(s);
                        let k = g.open(
                            svc("shipping"),
                            &format!("POST /rates ({carrier})"),
                            Kind::Client,
                            Some(&pid),
                            t + range(5, 60),
                        );
                        g.tag(k, "http.method", json!("POST"));
                        g.tag(k, "carrier", json!(carrier));
                        g.tag(k, "http.status_code", json!(200));
                        let start = g.spans[k].start;
                        let e = start + range(40_000, 140_000);
                        end = end.max(g.close(k, e));
                    }
                    g.internal(s, "pick cheapest rate", end + 10, (50, 200))
                },
            );
            // Save the order, then publish the event (the consumer runs after the response).
            let (t, _) = g.sql(
                co,
                "INSERT",
                "orders",
                "INSERT INTO orders (id, customer_id, total, lines) VALUES ($1, $2, $3, $4)",
                t + 20,
            );
            let pid = g.sid(co);
            let prod = g.open(svc("checkout"), "orders.placed send", Kind::Producer, Some(&pid), t + 10);
            g.tag(prod, "messaging.system", json!("kafka"));
            g.tag(prod, "messaging.destination", json!("orders.placed"));
            let t = g.close(prod, t + 10 + range(300, 900));
            let consume_at = t + 40_000;
            let prid = g.sid(prod);
            let cons = g.open(svc("notification"), "orders.placed process", Kind::Consumer, None, consume_at);
            g.spans[cons].parent = Some((prid, "FOLLOWS_FROM"));
            g.tag(cons, "messaging.system", json!("kafka"));
            g.tag(cons, "messaging.kafka.partition", json!(3));
            let e = g.internal(cons, "render email", consume_at + 50, (2_000, 6_000));
            let cid = g.sid(cons);
            let smtp = g.open(svc("notification"), "SMTP send", Kind::Client, Some(&cid), e + 20);
            g.tag(smtp, "peer.service", json!("smtp-relay"));
            let e = g.close(smtp, e + 20 + range(30_000, 60_000));
            g.close(cons, e + 30);
            t
        },
    );
    g.tag(gw, "http.status_code", json!(201));
    let gw_end = g.close(gw, t + 40);
    g.tag(gw_c, "http.status_code", json!(201));
    let t = g.close(gw_c, gw_end + range(200, 500));
    let t = g.internal(root, "render confirmation", t + 20, (1_500, 4_000));
    g.tag(root, "http.status_code", json!(200));
    g.close(root, t + 60);

    let processes: serde_json::Map<String, Value> = SERVICES
        .iter()
        .enumerate()
        .map(|(i, (name, host, version))| {
            (
                format!("p{}", i + 1),
                json!({
                    "serviceName": name,
                    "tags": [
                        tag("hostname", json!(host)),
                        tag("ip", json!(format!("10.42.{}.{}", i + 1, 10 + i * 3))),
                        tag("service.version", json!(version)),
                        tag("k8s.namespace.name", json!("shop")),
                        tag("jaeger.version", json!("Go-2.30.0")),
                    ]
                }),
            )
        })
        .collect();
    let spans: Vec<Value> = g
        .spans
        .iter()
        .map(|s| {
            let refs: Vec<Value> = s
                .parent
                .iter()
                .map(|(p, ty)| json!({ "refType": ty, "traceID": g.trace_id, "spanID": p }))
                .collect();
            json!({
                "traceID": g.trace_id,
                "spanID": s.id,
                "operationName": s.name,
                "references": refs,
                "startTime": s.start,
                "duration": s.dur,
                "tags": s.tags,
                "logs": s.logs,
                "processID": format!("p{}", s.service + 1),
                "warnings": null,
            })
        })
        .collect();
    eprintln!("{} spans, {} services", spans.len(), SERVICES.len());
    let doc = json!({ "data": [{ "traceID": g.trace_id, "spans": spans, "processes": processes, "warnings": null }] });
    // Compact output: the file is a download for the demo, not something to read.
    println!("{doc}");
}
