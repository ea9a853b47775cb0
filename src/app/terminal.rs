//! The full-screen terminal front end: keys in, frames out.

use super::console::{Colours, ConsoleBackend, ScreenCopy};
use super::frames::{RenderLoop, Turn, run_on_render_thread};
use super::{Engine, TICK};
use crate::core::{Key, Msg};
use crate::ui::{self, Status};
use crossterm::event::{self, Event as TermEvent, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::layout::Rect;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

/// What the front end does with a terminal event.
enum Input {
    Keys(Vec<Key>),
    Quit,
    None,
}

fn map_event(ev: TermEvent, demo: bool) -> Input {
    match ev {
        TermEvent::Key(k) if k.kind != KeyEventKind::Release => {
            let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
            let key = match k.code {
                // Ctrl-C and friends do nothing in a kiosk; the demo quits on F10.
                KeyCode::F(10) if demo => return Input::Quit,
                KeyCode::Char(_) if ctrl => return Input::None,
                KeyCode::Char(c) => Key::Char(c),
                KeyCode::Enter => Key::Enter,
                KeyCode::Backspace => Key::Backspace,
                KeyCode::Delete => Key::Delete,
                KeyCode::Esc => Key::Esc,
                KeyCode::Up => Key::Up,
                KeyCode::Down => Key::Down,
                KeyCode::F(n) => Key::F(n),
                _ => return Input::None,
            };
            Input::Keys(vec![key])
        }
        // A pasted payment code counts as typed; a newline in it is Enter.
        TermEvent::Paste(text) => Input::Keys(
            text.chars()
                .filter_map(|c| match c {
                    '\r' | '\n' => Some(Key::Enter),
                    c if !c.is_control() => Some(Key::Char(c)),
                    _ => None,
                })
                .collect(),
        ),
        _ => Input::None,
    }
}

/// Reads the terminal on its own thread so the render loop never waits for a key.
fn spawn_reader(msgs: UnboundedSender<Msg>, quit: UnboundedSender<()>, demo: bool) {
    std::thread::spawn(move || {
        loop {
            match event::read() {
                Ok(ev) => match map_event(ev, demo) {
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
                    Input::None => {}
                },
                Err(e) => {
                    tracing::error!(error = %e, "terminal input failed");
                    return;
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
    use crossterm::event::KeyEvent;

    #[test]
    fn ctrl_c_does_nothing_and_paste_is_typing() {
        let ctrl_c = TermEvent::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
        assert!(matches!(map_event(ctrl_c, false), Input::None));
        assert!(matches!(
            map_event(TermEvent::Key(KeyEvent::new(KeyCode::F(10), KeyModifiers::NONE)), false),
            Input::Keys(_)
        ));
        match map_event(TermEvent::Paste("1346\n".into()), false) {
            Input::Keys(k) => {
                assert_eq!(k, vec![Key::Char('1'), Key::Char('3'), Key::Char('4'), Key::Char('6'), Key::Enter])
            }
            _ => panic!("paste is typing"),
        }
    }
}
