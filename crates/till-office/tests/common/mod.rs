#![allow(dead_code)]
//! The real `till-office` binary on a throwaway PostgreSQL cluster, and a client of that database.

pub mod browser;
pub mod pg;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub struct OfficeProcess {
    child: Child,
    pub base_url: String,
    // Declared last: the cluster stops after the office.
    pub cluster: pg::Cluster,
}

/// Runs `till-office --database-url … ARGS` to its end, with `env`; panics unless it succeeds.
pub fn office_command(cluster: &pg::Cluster, args: &[&str], env: &[(&str, &str)]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_till-office"))
        .args(["--database-url", &cluster.url()])
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .expect("till-office");
    assert!(out.status.success(), "till-office {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `till-office serve --listen LISTEN EXTRA` on `cluster`, its log appended to office.stderr: the
/// child and its base URL, once it says it listens.
fn spawn(cluster: &pg::Cluster, listen: &str, extra: &[&str]) -> (Child, String) {
    let stderr = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(cluster.dir.join("office.stderr"))
        .expect("stderr file");
    let mut child = Command::new(env!("CARGO_BIN_EXE_till-office"))
        .args(["--database-url", &cluster.url(), "serve", "--listen", listen, "--insecure-cookies"])
        .args(extra)
        .env("TILL_OFFICE_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("spawn till-office");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.strip_prefix("listening on ") {
                let _ = tx.send(url.to_string());
            }
        }
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(url) => (child, url),
        Err(_) => {
            let _ = child.kill();
            let log = std::fs::read_to_string(cluster.dir.join("office.stderr")).unwrap_or_default();
            panic!("till-office did not start listening (it ended, or 60 s passed):\n{log}");
        }
    }
}

impl OfficeProcess {
    /// A new cluster and the office serving on a free loopback port (plain HTTP, so cookies
    /// without `Secure`), with `extra` serve options.
    pub fn start(extra: &[&str]) -> OfficeProcess {
        let cluster = pg::Cluster::start();
        let (child, base_url) = spawn(&cluster, "127.0.0.1:0", extra);
        OfficeProcess { child, base_url, cluster }
    }

    /// SIGKILL and a new office on the same address (the tills' configs name it), same options.
    pub fn restart(&mut self, extra: &[&str]) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let listen = self.base_url.trim_start_matches("http://").to_string();
        let (child, base_url) = spawn(&self.cluster, &listen, extra);
        assert_eq!(base_url, self.base_url, "the office came back on another address");
        self.child = child;
    }

    pub fn records_url(&self) -> String {
        format!("{}{}", self.base_url, till_proto::RECORDS_PATH)
    }

    pub fn add_device(&self, device_id: &str, key: &str) {
        office_command(
            &self.cluster,
            &["add-device", device_id, "--name", "Till 1 收银台"],
            &[("TILL_OFFICE_DEVICE_KEY", key)],
        );
    }

    pub fn add_owner(&self, login: &str, password: &str) {
        office_command(&self.cluster, &["add-owner", login], &[("TILL_OFFICE_PASSWORD", password)]);
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.cluster.dir.join("office.stderr")).unwrap_or_default()
    }

    pub fn db(&self) -> Db {
        Db::connect(&self.cluster.url())
    }
}

impl Drop for OfficeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A blocking client of the office's database, for the tests to look at what is stored.
pub struct Db {
    client: tokio_postgres::Client,
    rt: tokio::runtime::Runtime,
}

impl Db {
    pub fn connect(url: &str) -> Db {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        let client = rt.block_on(async {
            let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.expect("connect");
            tokio::spawn(connection);
            client
        });
        Db { client, rt }
    }

    /// The one bigint a query answers (`SELECT count(*) …`).
    /// Runs a statement (a test changing what the office keeps behind its back).
    pub fn execute(&self, sql: &str) {
        self.rt.block_on(self.client.batch_execute(sql)).expect(sql);
    }

    pub fn number(&self, sql: &str) -> i64 {
        self.rt.block_on(self.client.query_one(sql, &[])).expect(sql).get(0)
    }

    pub fn text(&self, sql: &str) -> String {
        self.rt.block_on(self.client.query_one(sql, &[])).expect(sql).get(0)
    }
}

/// Unix seconds now.
pub fn now_secs() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// POSTs `body` as a till does, signed by `signer` at `timestamp`: (status, answer).
pub fn post_record(
    url: &str,
    signer: till_proto::sign::Signer,
    timestamp: i64,
    key: &str,
    body: &str,
) -> (u16, String) {
    let client = reqwest::blocking::Client::new();
    let mut request = client.post(url).header("content-type", "application/json");
    for (name, value) in signer.headers(timestamp, key, body) {
        request = request.header(name, value);
    }
    let answer = request.body(body.to_string()).send().expect("post");
    let status = answer.status().as_u16();
    (status, answer.text().unwrap_or_default())
}

/// The cookie `name`'s whole `Set-Cookie` header in an answer.
pub fn set_cookie(answer: &reqwest::blocking::Response, name: &str) -> String {
    answer
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} cookie in {:?}", answer.headers()))
        .to_string()
}

pub fn cookie_value(set_cookie: &str) -> String {
    set_cookie.split(';').next().and_then(|p| p.split_once('=')).map(|(_, v)| v.to_string()).unwrap_or_default()
}

/// Signs `login` in over plain HTTP: the session cookie's token.
pub fn signed_in(base: &str, login: &str, password: &str) -> String {
    let http =
        reqwest::blocking::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let form_page = http.get(format!("{base}/sign-in")).send().expect("sign-in page");
    let csrf = cookie_value(&set_cookie(&form_page, "till_office_csrf"));
    let answer = http
        .post(format!("{base}/sign-in"))
        .header("cookie", format!("till_office_csrf={csrf}"))
        .form(&[("login", login), ("password", password), ("csrf", &csrf)])
        .send()
        .expect("sign in");
    assert_eq!(answer.status().as_u16(), 303, "signed in");
    cookie_value(&set_cookie(&answer, "till_office_session"))
}

/// The text between `start` and the next `end` after it.
pub fn between(text: &str, start: &str, end: &str) -> Option<String> {
    let from = text.find(start)? + start.len();
    Some(text[from..].split(end).next()?.to_string())
}

/// The signed-in owner's CSV upload on the page at `path` (its form's CSRF token read from the
/// page, English): (status, the page answered).
pub fn upload_csv(base: &str, token: &str, path: &str, csv: &str) -> (u16, String) {
    let http =
        reqwest::blocking::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let cookie = format!("till_office_session={token}");
    let page = http.get(format!("{base}{path}?lang=en")).header("cookie", &cookie).send();
    let page = page.expect("the upload page").text().expect("html");
    let csrf = between(&page, "name=\"csrf\" value=\"", "\"").expect("the form's CSRF token");
    let answer = http
        .post(format!("{base}{path}"))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str()), ("lang", "en"), ("csv", csv)])
        .send()
        .expect("upload");
    (answer.status().as_u16(), answer.text().unwrap_or_default())
}

/// The signed-in owner's GET of `path`: (status, page).
pub fn get_page(base: &str, token: &str, path: &str) -> (u16, String) {
    let answer = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(format!("{base}{path}"))
        .header("cookie", format!("till_office_session={token}"))
        .send()
        .expect("get");
    (answer.status().as_u16(), answer.text().unwrap_or_default())
}

/// The element `id`'s HTML, up to its closing `end`.
pub fn part(html: &str, id: &str, end: &str) -> String {
    html.split(&format!("id=\"{id}\"")).nth(1).and_then(|t| t.split(end).next()).unwrap_or_default().to_string()
}
