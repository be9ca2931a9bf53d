//! The backend process: a probe (`wsoracle-probe`, natively or under Wine) that answers the
//! line protocol on its stdin/stdout. One process serves a whole corpus, with `reset` between
//! scenarios.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use super::proto::{Greeting, RawAnswer, Request, Status};

/// How long the greeting may take: a cold Wine start is ~0.6 s, a first one in a new prefix
/// much longer.
pub const GREETING_TIMEOUT: Duration = Duration::from_secs(120);

/// The default time one answer may take. The probe's own longest wait is 5 s
/// (`complete_connect`), plus 3 s for `incoming` and 2 s for a completion.
pub const DEFAULT_ANSWER_TIMEOUT: Duration = Duration::from_secs(30);

/// What went wrong with the backend. After any of these the process is gone or unusable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackendError {
    /// The command line is empty or cannot be split.
    BadCommand(String),
    /// The process could not be started.
    Spawn(String),
    /// The greeting is missing or is not protocol 1.
    Greeting(String),
    /// No answer within the timeout.
    Timeout { request: String, after: Duration },
    /// The process closed its output or wrote something that is not an answer.
    Protocol(String),
}

impl std::fmt::Display for BackendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BackendError::BadCommand(m) => write!(f, "bad --backend command: {m}"),
            BackendError::Spawn(m) => write!(f, "cannot start the backend: {m}"),
            BackendError::Greeting(m) => write!(f, "backend greeting: {m}"),
            BackendError::Timeout { request, after } => write!(
                f,
                "the backend gave no answer to `{request}` within {} s",
                after.as_secs_f64()
            ),
            BackendError::Protocol(m) => write!(f, "backend: {m}"),
        }
    }
}

/// Splits a command line into words with POSIX shell rules (quotes and backslashes; no
/// expansions). It is then run without a shell.
pub fn split_command(command: &str) -> Result<Vec<String>, BackendError> {
    let words = shlex::split(command).ok_or_else(|| {
        BackendError::BadCommand(format!("`{command}` has an unterminated quote or escape"))
    })?;
    if words.is_empty() {
        return Err(BackendError::BadCommand("the command is empty".to_string()));
    }
    Ok(words)
}

/// A running backend.
pub struct Backend {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<Result<String, String>>,
    pub greeting: Greeting,
    pub timeout: Duration,
    /// Set once the process is unusable.
    broken: Option<BackendError>,
}

impl Backend {
    /// Starts `command` (split with shell rules, run without a shell), reads and checks its
    /// greeting.
    #[cfg(test)]
    pub fn spawn(command: &str, timeout: Duration) -> Result<Backend, BackendError> {
        Backend::spawn_with(command, timeout, GREETING_TIMEOUT)
    }

    /// [`Backend::spawn`] with a bound on the wait for the greeting.
    pub fn spawn_with(
        command: &str,
        timeout: Duration,
        greeting_timeout: Duration,
    ) -> Result<Backend, BackendError> {
        let words = split_command(command)?;
        let mut child = Command::new(&words[0])
            .args(&words[1..])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| BackendError::Spawn(format!("`{}`: {e}", words[0])))?;
        let stdout = match child.stdout.take() {
            Some(s) => s,
            None => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(BackendError::Spawn("no stdout pipe".to_string()));
            }
        };
        let stdin = child.stdin.take();
        let (tx, rx) = mpsc::channel();
        // A reader thread, so that every read can time out. It ends at EOF or when the
        // receiver is gone.
        thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut line = String::new();
                let item = match reader.read_line(&mut line) {
                    Ok(0) => {
                        let _ = tx.send(Err("the backend closed its output".to_string()));
                        return;
                    }
                    Ok(_) => Ok(line.trim_end_matches(['\n', '\r']).to_string()),
                    Err(e) => Err(format!("reading the backend's output: {e}")),
                };
                let stop = item.is_err();
                if tx.send(item).is_err() || stop {
                    return;
                }
            }
        });
        let mut backend = Backend {
            child,
            stdin,
            lines: rx,
            greeting: Greeting {
                line: String::new(),
                protocol: 0,
                windows: String::new(),
                wine: None,
                pending: None,
            },
            timeout,
            broken: None,
        };
        let line = match backend.lines.recv_timeout(greeting_timeout) {
            Ok(Ok(line)) => line,
            Ok(Err(e)) => {
                backend.kill();
                return Err(BackendError::Greeting(format!("no greeting: {e}")));
            }
            Err(_) => {
                backend.kill();
                return Err(BackendError::Greeting(format!(
                    "no greeting within {} s",
                    greeting_timeout.as_secs()
                )));
            }
        };
        match Greeting::parse(&line) {
            Ok(g) => backend.greeting = g,
            Err(e) => {
                backend.kill();
                return Err(BackendError::Greeting(e));
            }
        }
        Ok(backend)
    }

    /// Sends one request and reads its answer. The answer's id must be the request's.
    pub fn call(
        &mut self,
        id: &str,
        request: &Request,
    ) -> Result<(String, RawAnswer), BackendError> {
        if let Some(e) = &self.broken {
            return Err(e.clone());
        }
        let line = request.line(id);
        let result = self.exchange(id, &line);
        if let Err(e) = &result {
            self.broken = Some(e.clone());
            self.kill();
        }
        result.map(|a| (line, a))
    }

    fn exchange(&mut self, id: &str, line: &str) -> Result<RawAnswer, BackendError> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| BackendError::Protocol("stdin is closed".to_string()))?;
        writeln!(stdin, "{line}")
            .and_then(|()| stdin.flush())
            .map_err(|e| BackendError::Protocol(format!("writing `{line}`: {e}")))?;
        let deadline = Instant::now() + self.timeout;
        let text = match self
            .lines
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            Ok(Ok(text)) => text,
            Ok(Err(e)) => return Err(BackendError::Protocol(format!("after `{line}`: {e}"))),
            Err(RecvTimeoutError::Timeout) => {
                return Err(BackendError::Timeout {
                    request: line.to_string(),
                    after: self.timeout,
                })
            }
            Err(RecvTimeoutError::Disconnected) => {
                return Err(BackendError::Protocol(format!(
                    "the backend's output ended after `{line}`"
                )))
            }
        };
        let answer = RawAnswer::parse(&text).map_err(BackendError::Protocol)?;
        if answer.id != id {
            return Err(BackendError::Protocol(format!(
                "answer `{text}` has id `{}`, expected `{id}`",
                answer.id
            )));
        }
        Ok(answer)
    }

    /// `reset`: closes every socket, cleans up until Winsock is uninitialised, forgets names.
    pub fn reset(&mut self, id: &str) -> Result<(), BackendError> {
        let (_, answer) = self.call(id, &Request::new("reset"))?;
        if answer.status != Status::Ok {
            let e = BackendError::Protocol(format!(
                "reset answered {}: {}",
                answer.status.as_str(),
                answer.message.unwrap_or_default()
            ));
            self.broken = Some(e.clone());
            self.kill();
            return Err(e);
        }
        Ok(())
    }

    pub fn is_broken(&self) -> bool {
        self.broken.is_some()
    }

    /// Closes stdin (the probe resets and exits 0 at end of input) and waits a little; kills
    /// the process if it does not exit.
    pub fn shutdown(mut self) -> Option<i32> {
        self.stdin = None;
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return status.code(),
                Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(20)),
                _ => {
                    self.kill();
                    return None;
                }
            }
        }
    }

    fn kill(&mut self) {
        self.stdin = None;
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        self.kill();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_a_shell() {
        assert_eq!(
            split_command(r#"env A='x y' "b c" d\ e"#).unwrap(),
            vec!["env", "A=x y", "b c", "d e"]
        );
        assert!(split_command("").is_err());
        assert!(split_command("a 'b").is_err());
    }

    /// A fake backend in shell: a greeting, then one answer per line.
    #[cfg(unix)]
    fn fake(script: &str) -> String {
        format!("sh -c {}", shlex::try_quote(script).unwrap())
    }

    #[cfg(unix)]
    #[test]
    fn talks_to_a_backend() {
        let script = r#"echo "wsoracle-probe 1 windows=6.1.7601 wine=8.0"
while read id call rest; do
  case "$call" in
    reset) echo "$id ok ret=0 closed=0 cleanups=0";;
    *) echo "$id ok ret=0 error=untouched";;
  esac
done"#;
        let mut b = Backend::spawn(&fake(script), Duration::from_secs(5)).unwrap();
        assert_eq!(b.greeting.backend_id(), "wine-8.0");
        let (line, a) = b.call("0.0", &Request::new("WSAStartup")).unwrap();
        assert_eq!(line, "0.0 WSAStartup");
        assert_eq!(a.get("error"), Some("untouched"));
        b.reset("0.r").unwrap();
        assert_eq!(b.shutdown(), Some(0));
    }

    #[cfg(unix)]
    #[test]
    fn times_out_and_rejects_other_versions() {
        let script = r#"echo "wsoracle-probe 1 windows=10.0.1"; sleep 5"#;
        let mut b = Backend::spawn(&fake(script), Duration::from_millis(200)).unwrap();
        match b.call("1", &Request::new("WSAStartup")) {
            Err(BackendError::Timeout { .. }) => {}
            other => panic!("{other:?}"),
        }
        assert!(b.is_broken());
        let e = Backend::spawn(
            &fake("echo 'wsoracle-probe 2 windows=1.2.3'"),
            Duration::from_secs(1),
        )
        .err()
        .unwrap();
        assert!(e.to_string().contains("protocol version 2"), "{e}");
        let e = Backend::spawn("/nonexistent/probe", Duration::from_secs(1))
            .err()
            .unwrap();
        assert!(matches!(e, BackendError::Spawn(_)), "{e}");
        let e = Backend::spawn(&fake("exit 0"), Duration::from_secs(1))
            .err()
            .unwrap();
        assert!(matches!(e, BackendError::Greeting(_)), "{e}");
    }
}
