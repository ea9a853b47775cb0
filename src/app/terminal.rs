//! The full-screen terminal front end: keys in, frames out.

use super::console::{Colours, ConsoleBackend, ScreenCopy};
use super::frames::{RenderLoop, Turn, run_on_render_thread};
use super::term_keys::{ESC_WAIT, KeyParser, TermKey};
use super::{Engine, TICK};
use crate::core::{Key, Msg};
use crate::ui::{self, Status};
use ratatui::layout::Rect;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

/// What the front end does with a key from the terminal.
enum Input {
    Keys(Vec<Key>),
    Quit,
}

fn map_key(key: TermKey, demo: bool) -> Input {
    match key {
        // The demo quits on F10; a kiosk has no quit key (Ctrl-C does nothing: [`super::term_keys`]).
        TermKey::Key(Key::F(10)) if demo => Input::Quit,
        TermKey::Key(key) => Input::Keys(vec![key]),
        // A pasted payment code counts as typed; a newline in it is Enter.
        TermKey::Paste(text) => Input::Keys(
            text.chars()
                .filter_map(|c| match c {
                    '\r' | '\n' => Some(Key::Enter),
                    c if !c.is_control() => Some(Key::Char(c)),
                    _ => None,
                })
                .collect(),
        ),
    }
}

/// The terminal's input: stdin when it is the terminal, else the controlling terminal (as
/// crossterm reads it).
fn input_fd() -> std::io::Result<std::os::fd::OwnedFd> {
    use std::os::fd::{AsFd, OwnedFd};
    // SAFETY: isatty only looks at the descriptor.
    if unsafe { libc::isatty(libc::STDIN_FILENO) } == 1 {
        return std::io::stdin().as_fd().try_clone_to_owned();
    }
    Ok(OwnedFd::from(std::fs::File::open("/dev/tty")?))
}

/// Waits up to `wait` (forever: `None`) for `fd` to be readable, then reads what is there.
/// `Ok(None)`: nothing came in time.
fn read_some(
    fd: &std::os::fd::OwnedFd,
    wait: Option<std::time::Duration>,
    buf: &mut [u8],
) -> std::io::Result<Option<usize>> {
    use std::os::fd::AsRawFd;
    let timeout = wait.map_or(-1, |w| i32::try_from(w.as_millis()).unwrap_or(i32::MAX));
    loop {
        let mut pfd = libc::pollfd { fd: fd.as_raw_fd(), events: libc::POLLIN, revents: 0 };
        // SAFETY: one valid pollfd for the call's duration.
        let n = unsafe { libc::poll(&mut pfd, 1, timeout) };
        if n < 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        if n == 0 {
            return Ok(None);
        }
        // SAFETY: `buf` is valid for `buf.len()` bytes.
        let got = unsafe { libc::read(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
        if got < 0 {
            let e = std::io::Error::last_os_error();
            if matches!(e.kind(), std::io::ErrorKind::Interrupted | std::io::ErrorKind::WouldBlock) {
                continue;
            }
            return Err(e);
        }
        return Ok(Some(got as usize));
    }
}

/// Reads the terminal on its own thread so the render loop never waits for a key.
fn spawn_reader(msgs: UnboundedSender<Msg>, quit: UnboundedSender<()>, demo: bool) {
    std::thread::spawn(move || {
        let fd = match input_fd() {
            Ok(fd) => fd,
            Err(e) => {
                tracing::error!(error = %e, "terminal input failed: cannot open the terminal");
                return;
            }
        };
        let mut parser = KeyParser::new();
        let mut buf = [0u8; 1024];
        loop {
            let wait = parser.waiting_for_escape().then_some(ESC_WAIT);
            let keys = match read_some(&fd, wait, &mut buf) {
                Ok(Some(0)) => {
                    tracing::error!("terminal input ended");
                    return;
                }
                Ok(Some(n)) => parser.feed(&buf[..n]),
                Ok(None) => parser.flush(),
                Err(e) => {
                    tracing::error!(error = %e, "terminal input failed");
                    return;
                }
            };
            for key in keys {
                match map_key(key, demo) {
                    Input::Keys(keys) => {
                        for k in keys {
                            if msgs.send(Msg::Key(k)).is_err() {
                                return;
                            }
                        }
                    }
                    Input::Quit => {
                        let _ = quit.send(());
                        return;
                    }
                }
            }
        }
    });
}

/// Runs the till full-screen until quit (demo: F10) or SIGTERM. The terminal is set up and restored
/// here; the frames are drawn on the render thread ([`run_on_render_thread`]).
/// `screen_copy`: where a copy of each screen's text goes (till.toml's `screen_copy`).
pub async fn run_tui(
    engine: Engine,
    status: Status,
    demo: bool,
    screen_copy: Option<std::path::PathBuf>,
) -> anyhow::Result<()> {
    let copy = match &screen_copy {
        Some(path) => match ScreenCopy::open(path) {
            Ok(copy) => Some(copy),
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "no screen copy: cannot open its file");
                None
            }
        },
        None => None,
    };
    super::maintenance::ignore_terminal_signals()?;
    let terminal = init()?;
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::EnableBracketedPaste);
    let (quit_tx, quit_rx) = tokio::sync::mpsc::unbounded_channel();
    spawn_reader(engine.msgs.clone(), quit_tx, demo);
    let term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    // A version on trial (after an upgrade) is good once its first screen is drawn.
    let mark: fn() = crate::upgrade::mark_first_screen;
    let systemd = super::watchdog::Notifier::from_env();
    let result = run_on_render_thread(TICK, systemd, Some(mark), move |frames| {
        draw_until_stop(frames, engine, Screen::new(terminal, copy), status, Stop { quit: quit_rx, term })
    })
    .await;
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableBracketedPaste);
    ratatui::restore();
    result?
}

/// The till's terminal: raw mode, the alternate screen where there is one, ratatui's panic hook
/// (which restores the terminal), the colours of the terminal (`TERM`), and a cleared screen to draw
/// on ([`super::console`]: fbterm and the Linux console keep what was there before).
fn init() -> anyhow::Result<Terminal> {
    drop(ratatui::try_init()?);
    let colours = Colours::for_term(std::env::var("TERM").ok().as_deref());
    let mut terminal = ratatui::Terminal::new(ConsoleBackend::new(std::io::stdout(), colours))?;
    terminal.clear()?;
    Ok(terminal)
}

type Terminal = ratatui::Terminal<ConsoleBackend<std::io::Stdout>>;

/// Where frames go: the terminal, and the text copy if there is one.
struct Screen {
    terminal: Terminal,
    copy: Option<ScreenCopy>,
    /// fbterm: each frame that changed is written whole, every cell, not only the cells that
    /// changed (src/app/console.rs: fbterm does not erase every cell it is given).
    whole: Option<ratatui::buffer::Buffer>,
}

impl Screen {
    fn new(terminal: Terminal, copy: Option<ScreenCopy>) -> Screen {
        let whole = terminal.backend().repaints_whole().then(|| ratatui::buffer::Buffer::empty(Rect::ZERO));
        Screen { terminal, copy, whole }
    }

    fn draw(&mut self, render: impl FnOnce(&mut ratatui::Frame)) -> std::io::Result<()> {
        let Some(last) = &mut self.whole else {
            let frame = self.terminal.draw(render)?;
            if let Some(copy) = &mut self.copy {
                copy.drawn(frame.buffer);
            }
            return Ok(());
        };
        // ratatui's own steps of a draw (Terminal::try_draw), with every cell written when
        // anything changed; the cursor stays hidden (the till draws its own).
        self.terminal.autoresize()?;
        render(&mut self.terminal.get_frame());
        let buffer = self.terminal.current_buffer_mut().clone();
        if buffer != *last {
            ratatui::backend::Backend::draw(self.terminal.backend_mut(), whole_cells(&buffer))?;
            self.terminal.hide_cursor()?;
            ratatui::backend::Backend::flush(self.terminal.backend_mut())?;
            if let Some(copy) = &mut self.copy {
                copy.drawn(&buffer);
            }
            *last = buffer;
        }
        self.terminal.swap_buffers();
        Ok(())
    }
}

/// Every cell of `buffer` in order, but the second cell of a wide character (the terminal fills it
/// with the character).
fn whole_cells(buffer: &ratatui::buffer::Buffer) -> impl Iterator<Item = (u16, u16, &ratatui::buffer::Cell)> {
    use unicode_width::UnicodeWidthStr;
    let area = buffer.area;
    let mut skip = 0;
    area.positions().filter_map(move |p| {
        if p.x == area.left() {
            skip = 0;
        }
        if skip > 0 {
            skip -= 1;
            return None;
        }
        let cell = &buffer[p];
        skip = cell.symbol().width().saturating_sub(1);
        Some((p.x, p.y, cell))
    })
}

/// What ends the loop: the demo's quit key, or SIGTERM.
struct Stop {
    quit: UnboundedReceiver<()>,
    term: tokio::signal::unix::Signal,
}

/// The render loop of `till run`, on the render thread.
async fn draw_until_stop(
    mut frames: RenderLoop,
    mut engine: Engine,
    mut screen: Screen,
    mut status: Status,
    mut stop: Stop,
) -> anyhow::Result<()> {
    loop {
        let draw = |state: &crate::core::State, engine: &Engine| {
            status.clock = state.now.local(state.settings.utc_offset_minutes).hhmm();
            status.gateway = engine.gateway_name();
            let sync = engine.sync_status();
            status.unsynced = sync.unsynced();
            status.upgrade_waiting = sync.upgrade_waiting.clone();
            status.clock_off = sync.clock_ahead_secs.is_some() || state.clock.wrong(state.wall_clock);
            screen.draw(|f| ui::view(state, &status, f))
        };
        let stopped = async {
            tokio::select! {
                _ = stop.quit.recv() => {}
                _ = stop.term.recv() => {}
            }
        };
        match frames.turn(&mut engine, draw, stopped).await {
            Ok(Turn::Again) => {}
            Ok(Turn::Stop) => return Ok(()),
            Err(e) => return Err(anyhow::Error::from(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_quits_on_f10_and_paste_is_typing() {
        assert!(matches!(map_key(TermKey::Key(Key::F(10)), true), Input::Quit));
        assert!(matches!(map_key(TermKey::Key(Key::F(10)), false), Input::Keys(_)));
        match map_key(TermKey::Paste("1346\n".into()), false) {
            Input::Keys(k) => {
                assert_eq!(k, vec![Key::Char('1'), Key::Char('3'), Key::Char('4'), Key::Char('6'), Key::Enter])
            }
            _ => panic!("paste is typing"),
        }
    }
}
