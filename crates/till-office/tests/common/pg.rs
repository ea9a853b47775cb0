//! A throwaway PostgreSQL cluster for one test: Debian's binaries (/usr/lib/postgresql/*/bin, the
//! newest), `initdb` into a fresh directory under cargo's target/tmp (or $TMPDIR when that is not
//! reachable by the cluster's user), listening only on a unix socket in that directory, stopped
//! and removed when dropped. As root (CI), the cluster runs as `nobody`: PostgreSQL refuses root.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

pub struct Cluster {
    pub dir: PathBuf,
    bin: PathBuf,
    user: Option<&'static str>,
}

/// The newest of Debian's PostgreSQL versions installed.
pub fn postgres_bin() -> PathBuf {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin).expect("PostgreSQL is not installed (apt-get install postgresql; make test does)")
}

fn running_as_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

impl Cluster {
    pub fn start() -> Cluster {
        static N: AtomicU32 = AtomicU32::new(0);
        let bin = postgres_bin();
        let user = running_as_root().then_some("nobody");
        let name = format!("pg-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
        let mut dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(&name);
        std::fs::create_dir_all(&dir).expect("cluster directory");
        let mut cluster = Cluster { dir: dir.clone(), bin, user };
        // A unix socket's path has at most 107 bytes; a checkout under a home only root can enter is
        // no place for nobody's cluster: the system's temporary directory instead, then.
        let socket_too_long = dir.join(".s.PGSQL.5432").as_os_str().len() > 100;
        if socket_too_long || (user.is_some() && !cluster.reachable(&dir)) {
            let _ = std::fs::remove_dir_all(&dir);
            dir = std::env::temp_dir().join(format!("till-office-{name}"));
            std::fs::create_dir_all(&dir).expect("cluster directory");
            cluster.dir = dir.clone();
        }
        if let Some(user) = user {
            let status = Command::new("chown").args([user, &dir.display().to_string()]).status().expect("chown");
            assert!(status.success(), "chown {user} {}", dir.display());
        }
        let data = dir.join("data");
        cluster.run(
            "initdb",
            &[
                "-D",
                &data.display().to_string(),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
        );
        cluster.start_again();
        cluster
    }

    /// `pg_ctl start` of the cluster's data directory (after [`Cluster::stop_fast`]).
    pub fn start_again(&self) {
        // Only the unix socket in the cluster's directory; no fsync (a test's data is thrown away).
        let options = format!("-h '' -k {} -p 5432 -F", self.dir.display());
        let log = self.dir.join("postgres.log").display().to_string();
        let data = self.dir.join("data").display().to_string();
        self.run("pg_ctl", &["-D", &data, "-l", &log, "-o", &options, "-w", "-t", "60", "start"]);
    }

    /// `pg_ctl stop -m fast`: open connections are cut, the server is down until started again.
    pub fn stop_fast(&self) {
        let data = self.dir.join("data").display().to_string();
        self.run("pg_ctl", &["-D", &data, "-m", "fast", "-w", "-t", "60", "stop"]);
    }

    /// Whether the cluster's user can enter `dir`.
    fn reachable(&self, dir: &Path) -> bool {
        let Some(user) = self.user else { return true };
        Command::new("runuser").args(["-u", user, "--", "test", "-x"]).arg(dir).status().is_ok_and(|s| s.success())
    }

    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        match self.user {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(path);
                c
            }
            None => Command::new(path),
        }
    }

    fn run(&self, program: &str, args: &[&str]) {
        let out = self.command(program).args(args).current_dir(&self.dir).output().expect(program);
        assert!(
            out.status.success(),
            "{program} {args:?} failed: {}{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(self.dir.join("postgres.log")).unwrap_or_default()
        );
    }

    /// A libpq connection string for the cluster's `postgres` database.
    pub fn url(&self) -> String {
        format!("host={} port=5432 user=postgres dbname=postgres", self.dir.display())
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.dir.join("data").display().to_string();
        let _ = self.command("pg_ctl").args(["-D", &data, "-m", "immediate", "-w", "stop"]).output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
