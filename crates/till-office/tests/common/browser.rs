//! Debian's headless Chromium through chromedriver, as a 360-pixel-wide phone.

use std::time::Duration;

/// chromedriver on a free loopback port, stopped when dropped.
pub struct Driver {
    child: std::process::Child,
    pub url: String,
}

impl Driver {
    pub fn start() -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("free port").port();
        let child = std::process::Command::new("/usr/bin/chromedriver")
            .arg(format!("--port={port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("chromedriver (apt-get install chromium-driver; make test does)");
        let url = format!("http://127.0.0.1:{port}");
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while reqwest::blocking::get(format!("{url}/status")).map_or(true, |a| !a.status().is_success()) {
            assert!(std::time::Instant::now() < deadline, "chromedriver did not answer within 30 s");
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver { child, url }
    }

    /// A Chromium session laid out as a 360 x 800 phone, its profile in `profile`.
    pub async fn phone(&self, profile: &std::path::Path) -> fantoccini::Client {
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=360,800",
            &format!("--user-data-dir={}", profile.display()),
        ];
        let mut caps = serde_json::Map::new();
        // A phone's viewport: headless Chromium's window is at least 500 px wide, the emulated
        // device 360 px (as a phone's browser lays the page out).
        let phone = serde_json::json!({ "deviceMetrics": { "width": 360, "height": 800, "pixelRatio": 2.0 } });
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({ "binary": "/usr/bin/chromium", "args": args, "mobileEmulation": phone }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        fantoccini::ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&self.url)
            .await
            .expect("a Chromium session")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The page's width and how wide its content is: equal (or less) when nothing scrolls sideways.
pub async fn widths(c: &fantoccini::Client) -> (i64, i64) {
    let widths =
        c.execute("return [window.innerWidth, document.documentElement.scrollWidth]", vec![]).await.expect("widths");
    let widths: Vec<i64> = serde_json::from_value(widths).expect("two numbers");
    (widths[0], widths[1])
}

/// Signs `login` in on the sign-in page in Chinese, as an owner types it.
pub async fn sign_in(c: &fantoccini::Client, base: &str, login: &str, password: &str) {
    use fantoccini::Locator;
    c.goto(&format!("{base}/sign-in?lang=zh")).await.expect("sign-in page");
    c.find(Locator::Id("login")).await.expect("login").send_keys(login).await.expect("type login");
    c.find(Locator::Id("password")).await.expect("password").send_keys(password).await.expect("type");
    c.find(Locator::Id("sign-in")).await.expect("button").click().await.expect("click");
}
