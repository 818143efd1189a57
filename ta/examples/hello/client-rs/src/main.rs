//! The hello TA (and the store TA's login rule) from a Rust client over
//! `oxtee-teec`: prints `RHELLO ok|FAIL <case> ...` per check and a summary;
//! exits 0 only if every check passed. Run by `make sdk-test` on oxtee and
//! OP-TEE 4.5.

use oxtee_teec::{no_params, Context, Error, Login, Param, Session, Uuid};

const HELLO: &str = "a7b321a8-0a28-4992-83bd-b757bbc3d4cd";
const STORE: &str = "588650c2-5723-471c-8032-d69fb51ffbf5";

// Command ids (ta/examples/hello/ta/src/commands.rs).
const CMD_INC_VALUE: u32 = 0;
const CMD_REVERSE: u32 = 1;
const CMD_ECHO: u32 = 2;
const CMD_PANIC: u32 = 5;
const CMD_STORE: u32 = 7;
const CMD_LOAD: u32 = 8;
const CMD_DELETE: u32 = 9;
// The store's seal commands (ta/store/ta/src/commands.rs).
const CMD_SEAL: u32 = 4;
const CMD_UNSEAL: u32 = 5;

// GP codes and origins the checks expect.
const OVERFLOW: u32 = 0xFFFF_300F;
const BAD_PARAMETERS: u32 = 0xFFFF_0006;
const NOT_SUPPORTED: u32 = 0xFFFF_000A;
const SHORT_BUFFER: u32 = 0xFFFF_0010;
const ITEM_NOT_FOUND: u32 = 0xFFFF_0008;
const ACCESS_DENIED: u32 = 0xFFFF_0001;
const TARGET_DEAD: u32 = 0xFFFF_3024;
const ORIGIN_TEE: u32 = 3;
const ORIGIN_TRUSTED_APP: u32 = 4;

struct Checks {
    passed: u32,
    failed: u32,
}

impl Checks {
    fn check(&mut self, ok: bool, name: &str, detail: impl std::fmt::Debug) {
        println!(
            "RHELLO {} {name} {detail:?}",
            if ok { "ok" } else { "FAIL" }
        );
        if ok {
            self.passed += 1;
        } else {
            self.failed += 1;
        }
    }
}

fn p1(p: Param) -> [Param; 4] {
    [p, Param::None, Param::None, Param::None]
}

fn p2(a: Param, b: Param) -> [Param; 4] {
    [a, b, Param::None, Param::None]
}

fn is(r: &Result<(), Error>, code: u32, origin: u32) -> bool {
    matches!(r, Err(e) if e.code == code && e.origin == origin)
}

fn hello(c: &mut Checks, s: &mut Session<'_>) {
    let mut p = p1(Param::ValueInout(41, 0));
    let r = s.invoke(CMD_INC_VALUE, &mut p);
    c.check(
        r.is_ok() && p[0].value() == Some((42, 1)),
        "inc",
        (&r, p[0].value()),
    );
    let mut p = p1(Param::ValueInout(u32::MAX, 0));
    let r = s.invoke(CMD_INC_VALUE, &mut p);
    c.check(is(&r, OVERFLOW, ORIGIN_TRUSTED_APP), "inc-overflow", r);
    let mut p = p1(Param::ValueIn(1, 0));
    let r = s.invoke(CMD_INC_VALUE, &mut p);
    c.check(
        is(&r, BAD_PARAMETERS, ORIGIN_TRUSTED_APP),
        "inc-wrong-type",
        r,
    );

    let mut p = p1(Param::inout(b"hello, oxtee"));
    let r = s.invoke(CMD_REVERSE, &mut p);
    c.check(
        r.is_ok() && p[0].output() == Some(b"eetxo ,olleh"),
        "reverse",
        (&r, &p[0]),
    );

    let data: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
    let mut p = p2(Param::input(&data), Param::out(data.len()));
    let r = s.invoke(CMD_ECHO, &mut p);
    c.check(
        r.is_ok() && p[1].output() == Some(&data[..]),
        "echo-100k",
        r,
    );
    let mut p = p2(Param::input(b"twelve bytes"), Param::out(4));
    let r = s.invoke(CMD_ECHO, &mut p);
    c.check(
        is(&r, SHORT_BUFFER, ORIGIN_TRUSTED_APP) && p[1].size() == Some(12),
        "echo-short-buffer",
        (&r, p[1].size()),
    );
    let r = s.invoke(0x7777, &mut no_params());
    c.check(
        is(&r, NOT_SUPPORTED, ORIGIN_TRUSTED_APP),
        "unknown-command",
        r,
    );

    let id = b"rust-client-object";
    let mut p = p2(Param::input(id), Param::input(b"persisted"));
    let r = s.invoke(CMD_STORE, &mut p);
    c.check(r.is_ok(), "store", r);
    let mut p = p2(Param::input(id), Param::out(64));
    let r = s.invoke(CMD_LOAD, &mut p);
    c.check(
        r.is_ok() && p[1].output() == Some(b"persisted"),
        "load",
        (&r, &p[1]),
    );
    let r = s.invoke(CMD_DELETE, &mut p1(Param::input(id)));
    c.check(r.is_ok(), "delete", r);
    let mut p = p2(Param::input(id), Param::out(64));
    let r = s.invoke(CMD_LOAD, &mut p);
    c.check(
        is(&r, ITEM_NOT_FOUND, ORIGIN_TRUSTED_APP),
        "load-deleted",
        r,
    );
}

fn store(c: &mut Checks, ctx: &Context) {
    let uuid = Uuid::parse(STORE).unwrap();
    let r = ctx
        .open_session(&uuid, Login::Public, &mut no_params())
        .map(|_| ());
    c.check(
        is(&r, ACCESS_DENIED, ORIGIN_TRUSTED_APP),
        "store-refuses-public-login",
        r,
    );
    let mut s = match ctx.open_session(&uuid, Login::User, &mut no_params()) {
        Ok(s) => s,
        Err(e) => return c.check(false, "store-user-login", e),
    };
    let data = vec![0x5a; 4096];
    let mut p = [
        Param::input(&data),
        Param::out(data.len() + 36),
        Param::ValueIn(0, 0),
        Param::None,
    ];
    let r = s.invoke(CMD_SEAL, &mut p);
    let blob = p[1].output().unwrap_or_default().to_vec();
    c.check(
        r.is_ok() && blob.len() == data.len() + 36,
        "store-seal",
        (&r, blob.len()),
    );
    let mut p = p2(Param::input(&blob), Param::out(data.len()));
    let r = s.invoke(CMD_UNSEAL, &mut p);
    c.check(
        r.is_ok() && p[1].output() == Some(&data[..]),
        "store-unseal",
        r,
    );
}

fn main() {
    let mut c = Checks {
        passed: 0,
        failed: 0,
    };
    let ctx = match Context::open() {
        Ok(ctx) => ctx,
        Err(e) => {
            println!("RHELLO FAIL no-tee {e}");
            std::process::exit(1);
        }
    };
    let v = ctx.version();
    c.check(v.impl_id == 1, "version-optee-driver", v);
    let uuid = Uuid::parse(HELLO).unwrap();

    let r = ctx
        .open_session(
            &Uuid::parse("00000000-0000-4000-8000-00000000dead").unwrap(),
            Login::User,
            &mut no_params(),
        )
        .map(|_| ());
    c.check(is(&r, ITEM_NOT_FOUND, ORIGIN_TEE), "open-unknown-ta", r);
    let r = ctx
        .open_session(&uuid, Login::User, &mut p1(Param::ValueIn(1, 2)))
        .map(|_| ());
    c.check(
        is(&r, BAD_PARAMETERS, ORIGIN_TRUSTED_APP),
        "open-with-params",
        r,
    );
    match ctx.open_session(&uuid, Login::User, &mut no_params()) {
        Ok(mut s) => {
            c.check(true, "open-user-login", s.id());
            hello(&mut c, &mut s);
            let r = s.invoke(CMD_PANIC, &mut no_params());
            c.check(is(&r, TARGET_DEAD, ORIGIN_TEE), "panic-target-dead", r);
        }
        Err(e) => c.check(false, "open-user-login", e),
    }
    match ctx.open_session(&uuid, Login::User, &mut no_params()) {
        Ok(mut s) => {
            let mut p = p1(Param::ValueInout(1, 0));
            let r = s.invoke(CMD_INC_VALUE, &mut p);
            c.check(
                r.is_ok() && p[0].value() == Some((2, 1)),
                "fresh-session-after-panic",
                r,
            );
        }
        Err(e) => c.check(false, "fresh-session-after-panic", e),
    }
    store(&mut c, &ctx);

    println!("RHELLO passed {} failed {}", c.passed, c.failed);
    std::process::exit(if c.failed == 0 && c.passed > 0 { 0 } else { 1 });
}
