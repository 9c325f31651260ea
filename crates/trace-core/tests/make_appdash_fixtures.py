#!/usr/bin/env python3
"""Writes the hand-made Appdash fixtures (tests/fixtures/appdash/) and the bundled sample
(public/samples/appdash-opentracing.json) in the shapes Appdash writes: Go's encoding/json of
[]*appdash.Trace (two-space indent), base64 values, `_schema:<event>` markers after each event's
keys, RFC 3339 times with nanoseconds. Built from Appdash's Go struct definitions
(sourcegraph/appdash: trace.go, span.go, id.go, event.go, reflect.go, opentracing/recorder.go,
httptrace, sqltrace). Run from the repository root: python3 crates/trace-core/tests/make_appdash_fixtures.py
"""
import base64, json, pathlib

ROOT = pathlib.Path(__file__).resolve().parents[3]
OK = ROOT / "crates/trace-core/tests/fixtures/appdash/ok"
ERR = ROOT / "crates/trace-core/tests/fixtures/appdash/err"


def b64(s):
    return base64.b64encode(s.encode()).decode()


def kv(key, value):
    return {"Key": key, "Value": None if value is None else b64(value)}


def marker(schema):
    return {"Key": "_schema:" + schema, "Value": None}


def name(n):
    return [kv("Name", n), marker("name")]


def timespan(start, end):
    return [kv("Span.Start", start), kv("Span.End", end), marker("Timespan")]


def log(msg, time):
    return [kv("Msg", msg), kv("Time", time), marker("log")]


def http_server(method, uri, host, status, recv, send, route=""):
    return [
        kv("Server.Request.Method", method),
        kv("Server.Request.URI", uri),
        kv("Server.Request.Proto", "HTTP/1.1"),
        kv("Server.Request.Headers.Accept", "text/html"),
        kv("Server.Request.Host", host),
        kv("Server.Request.RemoteAddr", "127.0.0.1:53412"),
        kv("Server.Request.ContentLength", "0"),
        kv("Server.Response.Headers.Content-Type", "text/html; charset=utf-8"),
        kv("Server.Response.ContentLength", "1532"),
        kv("Server.Response.StatusCode", str(status)),
        kv("Server.Route", route),
        kv("Server.User", ""),
        kv("Server.Recv", recv),
        kv("Server.Send", send),
        marker("HTTPServer"),
    ]


def http_client(method, uri, host, status, send, recv):
    return [
        kv("Client.Request.Method", method),
        kv("Client.Request.URI", uri),
        kv("Client.Request.Host", host),
        kv("Client.Response.StatusCode", str(status)),
        kv("Client.Send", send),
        kv("Client.Recv", recv),
        marker("HTTPClient"),
    ]


def sql(query, tag, send, recv):
    return [kv("SQL", query), kv("Tag", tag), kv("ClientSend", send), kv("ClientRecv", recv), marker("SQL")]


def tags(**t):
    return [kv(k.replace("__", "."), v) for k, v in t.items()]


def node(trace, span, parent, annotations, sub=None):
    return {
        "ID": {"Trace": trace, "Span": span, "Parent": parent},
        "Annotations": annotations,
        "Sub": sub,
    }


def go_indent(doc):
    return json.dumps(doc, indent=2, ensure_ascii=False)


T = "1c9e0e3f6a7b8c9d"
ZERO = "0000000000000000"


def opentracing_export():
    """An HTTP request traced with Appdash's OpenTracing recorder: name, logs, tags and baggage,
    then the timespan, each span a Collect call in that order."""
    db = node(T, "4e3a2f1b0c9d8e7f", "2b7f1d4c3e5a6b70",
              name("db.query")
              + log("connection reset, retrying", "2016-06-20T19:31:07.02Z")
              + log(json.dumps({"error.object": "timeout", "event": "error"}, separators=(",", ":"), sort_keys=True),
                    "2016-06-20T19:31:07.03-07:00".replace("-07:00", "Z"))
              + tags(db__type="sql", error="true", span__kind="client", component="users-db")
              + [kv("User", "alice")]
              + timespan("2016-06-20T19:31:07.005Z", "2016-06-20T19:31:07.041Z"))
    cache = node(T, "5f4b3a2c1d0e9f8a", "2b7f1d4c3e5a6b70",
                 name("cache.get")
                 + tags(span__kind="client", component="memcache", hit="false")
                 + timespan("2016-06-20T19:31:07.002000001Z", "2016-06-20T19:31:07.004Z"))
    root = node(T, "2b7f1d4c3e5a6b70", ZERO,
                log("cache miss for user 42", "2016-06-20T19:31:07.0123456Z")
                + name("Serve /api/users")
                + http_server("GET", "/api/users?id=42", "localhost:8699", 200,
                              "2016-06-20T19:31:07.001Z", "2016-06-20T19:31:07.0452Z", route="/api/users"),
                [cache, db])
    return [root]


def permalink_single_trace():
    """What an Appdash permalink decodes to: one trace object, compact, ids as numbers (Appdash's
    reader accepts them), a leaf with `Sub` [] and a time with a zone offset."""
    child = {"ID": {"Trace": 100, "Span": 301, "Parent": 300},
             "Annotations": name("render") + timespan("2016-06-20T12:00:00.250+02:00", "2016-06-20T12:00:00.5+02:00"),
             "Sub": []}
    return {"ID": {"Trace": 100, "Span": 300, "Parent": 0},
            "Annotations": name("hello") + timespan("2016-06-20T12:00:00+02:00", "2016-06-20T12:00:01+02:00"),
            "Sub": [child]}


def legacy_keys():
    """Keys written before 2015 and by Appdash's Python client: no Server./Client. prefix, and
    empty strings for markers."""
    ann = [kv("Request.Method", "POST"), kv("Request.URI", "/login"), kv("Request.Host", "auth.local"),
           kv("Response.StatusCode", "503"), kv("Route", "login"), kv("User", ""),
           kv("ServerRecv", "2015-01-10T08:00:00.000001Z"), kv("ServerSend", "2015-01-10T08:00:00.2Z"),
           {"Key": "_schema:HTTPServer", "Value": ""}]
    return [node("00000000000000aa", "00000000000000bb", ZERO, ann)]


def client_sql_and_strays():
    """Two traces: an HTTP client call that failed (status -1, no name: named from the request),
    an SQL event, an unknown event schema, a value that is not base64, a span whose parent is not
    in the file (Appdash attaches such spans under a temporary root) and a leaf with no
    annotations at all."""
    a = "00000000000000a1"
    calls = node(a, "0000000000000002", "0000000000000001",
                 http_client("GET", "/v1/profile", "profile.internal", -1,
                             "2016-06-20T19:40:00.010Z", "2016-06-20T19:40:00.090Z"))
    query = node(a, "0000000000000003", "0000000000000001",
                 sql("SELECT * FROM users WHERE id = ?", "users.get",
                     "2016-06-20T19:40:00.100Z", "2016-06-20T19:40:00.130Z")
                 + [kv("Flavor", "vanilla"), marker("IceCream")]
                 + [{"Key": "note", "Value": "not base64!"}])
    stray = node(a, "0000000000000009", "00000000000000ff",
                 name("late worker") + timespan("2016-06-20T19:40:00.140Z", "2016-06-20T19:40:00.150Z"))
    empty = {"ID": {"Trace": a, "Span": "000000000000000a", "Parent": "0000000000000001"}, "Annotations": None, "Sub": None}
    root = node(a, "0000000000000001", ZERO,
                name("checkout") + timespan("2016-06-20T19:40:00Z", "2016-06-20T19:40:00.2Z"),
                [calls, query, stray, empty])
    b = "00000000000000b2"
    other = node(b, "0000000000000001", ZERO,
                 name("healthz") + http_server("GET", "/healthz", "web:80", 500,
                                               "2016-06-20T19:41:00Z", "2016-06-20T19:41:00.003Z"))
    return [root, other]


def deep_nesting(levels=200):
    """Nested deeper than serde_json's recursion limit (each level is an object in a Sub array)."""
    leaf = None
    for k in range(levels, 0, -1):
        parent = ZERO if k == 1 else "%016x" % (k - 1)
        n = node("00000000000000d0", "%016x" % k, parent,
                 name("level %d" % k) + timespan("2016-06-20T20:00:00.%06dZ" % k, "2016-06-20T20:00:01Z"),
                 None if leaf is None else [leaf])
        leaf = n
    return [leaf]


def opentracing_sample():
    """The bundled sample: a small Go web app traced as in an OpenTracing + Appdash demo: Appdash's
    HTTP middleware serves the request; the handler's OpenTracing spans (recorded by Appdash's
    OpenTracing recorder: name, logs, tags, baggage, timespan) fan out to a cache, a database and
    two backend calls, one of which times out. Fictional names and times."""
    t = "6a1f0c3e9b2d4f58"
    ids = iter("%016x" % (0x3c00 + k) for k in range(1, 100))
    root_id = next(ids)

    def at(ms):
        whole, frac = divmod(round(ms * 1000), 1000000)
        return "2016-06-20T19:30:%02d.%06dZ" % (whole, frac)

    def ot(parent, op, start, end, logs=(), baggage=None, children=None, **tag):
        span = next(ids)
        ann = name(op)
        for when, msg in logs:
            ann += log(msg, at(when))
        ann += tags(**tag)
        if baggage:
            ann += [kv(k, v) for k, v in baggage.items()]
        ann += timespan(at(start), at(end))
        kids = [c(span) for c in children or []]
        return node(t, span, parent, ann, kids or None)

    bag = {"user-id": "42"}
    handler = lambda p: ot(p, "GET /feed", 0.4, 187.5, baggage=bag, span__kind="server", component="net/http",
                           http__method="GET", http__url="/feed?page=1", http__status_code="200", children=[
        lambda q: ot(q, "session.Lookup", 0.9, 3.2, baggage=bag, span__kind="client", component="memcache",
                     logs=[(3.1, "hit")]),
        lambda q: ot(q, "feed.Build", 3.6, 150.2, baggage=bag, component="feed", children=[
            lambda r: ot(r, "db.Query", 4.0, 41.8, baggage=bag, span__kind="client", component="database/sql",
                         db__type="sql", db__statement="SELECT id, title FROM posts WHERE author IN (?) LIMIT 20"),
            lambda r: ot(r, "GET /recommend", 42.5, 143.0, baggage=bag, span__kind="client", component="net/http",
                         http__method="GET", http__url="http://recommend:8080/recommend", error="true",
                         logs=[(142.9, json.dumps({"event": "error", "error.object": "context deadline exceeded"},
                                                   separators=(",", ":"), sort_keys=True))]),
            lambda r: ot(r, "GET /profile", 42.7, 96.4, baggage=bag, span__kind="client", component="net/http",
                         http__method="GET", http__url="http://profile:8080/profile?id=42", http__status_code="200"),
            lambda r: ot(r, "feed.Rank", 143.4, 149.9, baggage=bag, component="feed",
                         logs=[(149.8, "ranked 20 posts")]),
        ]),
        lambda q: ot(q, "template.Render", 150.6, 186.9, baggage=bag, component="html/template"),
    ])
    root = node(t, root_id, ZERO,
                name("Serve /feed")
                + http_server("GET", "/feed?page=1", "localhost:8699", 200, at(0.0), at(188.0), route="/feed"),
                [handler(root_id)])
    return [root]


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n")


write(OK / "01_opentracing-recorder-export.json", go_indent(opentracing_export()))
write(OK / "02_permalink-single-trace-numeric-ids.json", json.dumps(permalink_single_trace(), separators=(",", ":")))
write(OK / "03_pre-2015-unprefixed-http-keys.json", go_indent(legacy_keys()))
write(OK / "04_client-sql-unknown-event-and-stray-span.json", go_indent(client_sql_and_strays()))
write(OK / "05_nested-deeper-than-the-json-limit.json", json.dumps(deep_nesting(), separators=(",", ":")))
write(ROOT / "public/samples/appdash-opentracing.json", go_indent(opentracing_sample()))
write(ERR / "01_syntax-error.json", go_indent(opentracing_export())[:700])
