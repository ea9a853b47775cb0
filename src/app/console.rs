//! How the till's frames reach the terminal it runs on: ratatui's crossterm backend, except for the
//! colours on fbterm, the image's CJK console terminal.
//!
//! crossterm writes every colour as xterm's 256-colour SGR (`ESC[38;5;Nm`, `ESC[48;5;Nm`), even the
//! eight basic ones. fbterm 1.7 (2010, Debian's and Buildroot's) reads SGR parameters one by one as
//! the Linux console of its day did: `38` is "default colour, underlined", `5` is blink (a bright
//! background), and the colour number becomes an attribute of its own (`0` resets, `3` italic, `7`
//! reverse, `11`/`12` switch to the IBM PC character set). So on fbterm every coloured cell took
//! the wrong colours and attributes, and those attributes leaked into the cells written after it.
//! On fbterm ([`Colours::Fbterm`], chosen by `TERM=fbterm`, which `till-console` sets) colours go
//! through fbterm's own 256-colour sequences (`ESC[1;N}` foreground, `ESC[2;N}` background) and the
//! only attributes sent are bold and reverse, which it draws as such.
//!
//! Two more rules hold on every terminal. The screen is cleared when the till starts: ratatui draws
//! only what changed against a blank screen, and fbterm and the Linux console have no alternate
//! screen (`ESC[?1049h` is ignored), so whatever was on the terminal before (fbterm prints its own
//! keymap warning there) stayed wherever the first frame had blank cells. And the cursor position is
//! never asked of the terminal (the reply would race the key reader for stdin): the backend knows it.

use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};
use std::io::{self, Write};

/// Which colour sequences the terminal reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colours {
    /// xterm's 256-colour SGR: xterm, tmux, kmscon, foot, the Linux console since 3.16.
    Xterm,
    /// fbterm's own sequences: `ESC[1;N}` and `ESC[2;N}`.
    Fbterm,
}

impl Colours {
    /// From `TERM`: `fbterm` (as fbterm's terminfo entry is named) gets fbterm's sequences.
    pub fn for_term(term: Option<&str>) -> Colours {
        match term {
            Some("fbterm") => Colours::Fbterm,
            _ => Colours::Xterm,
        }
    }
}

/// ratatui's crossterm backend with the colours of the terminal it runs on.
pub struct ConsoleBackend<W: Write> {
    inner: CrosstermBackend<W>,
    colours: Colours,
    /// Where the last write left the cursor, as far as the till moved it.
    cursor: Position,
}

impl<W: Write> ConsoleBackend<W> {
    pub fn new(writer: W, colours: Colours) -> ConsoleBackend<W> {
        ConsoleBackend { inner: CrosstermBackend::new(writer), colours, cursor: Position::ORIGIN }
    }

    /// fbterm: a changed frame is written whole. Measured on its glass (QEMU, 800×480): cells the
    /// till had written over with blanks kept parts of what was drawn there before, and only a
    /// frame written whole left none (docs/manual.md, "The till's own screen").
    pub fn repaints_whole(&self) -> bool {
        self.colours == Colours::Fbterm
    }

    /// fbterm: one SGR reset then fbterm's colour sequences for each change of style, so no
    /// attribute of one cell can leak into the next.
    fn draw_fbterm<'a>(&mut self, content: impl Iterator<Item = (u16, u16, &'a Cell)>) -> io::Result<()> {
        let w = &mut self.inner;
        let mut style: Option<(Color, Color, Modifier)> = None;
        let mut last: Option<Position> = None;
        for (x, y, cell) in content {
            if !matches!(last, Some(p) if x == p.x + 1 && y == p.y) {
                write!(w, "\x1b[{};{}H", y + 1, x + 1)?;
            }
            last = Some(Position { x, y });
            let shown = (cell.fg, cell.bg, cell.modifier & (Modifier::BOLD | Modifier::REVERSED));
            if style != Some(shown) {
                w.write_all(b"\x1b[0")?;
                if shown.2.contains(Modifier::BOLD) {
                    w.write_all(b";1")?;
                }
                if shown.2.contains(Modifier::REVERSED) {
                    w.write_all(b";7")?;
                }
                w.write_all(b"m")?;
                if let Some(n) = fbterm_index(shown.0) {
                    write!(w, "\x1b[1;{n}}}")?;
                }
                if let Some(n) = fbterm_index(shown.1) {
                    write!(w, "\x1b[2;{n}}}")?;
                }
                style = Some(shown);
            }
            w.write_all(cell.symbol().as_bytes())?;
        }
        if let Some(p) = last {
            self.cursor = Position { x: p.x.saturating_add(1), y: p.y };
        }
        self.inner.write_all(b"\x1b[0m")
    }
}

/// The colour's number in fbterm's 256-colour palette (xterm's), `None` for the default colour.
/// The eight basic colours are given as their equals in the colour cube (16–231): fbterm brightens a
/// bold foreground below 8, which would turn bold black text grey on the highlighted rows.
fn fbterm_index(colour: Color) -> Option<u8> {
    Some(match colour {
        Color::Reset => return None,
        Color::Black => 16,
        Color::Red => 160,
        Color::Green => 34,
        Color::Yellow => 178,
        Color::Blue => 20,
        Color::Magenta => 127,
        Color::Cyan => 37,
        Color::Gray => 250,
        Color::DarkGray => 244,
        Color::LightRed => 203,
        Color::LightGreen => 83,
        Color::LightYellow => 227,
        Color::LightBlue => 63,
        Color::LightMagenta => 207,
        Color::LightCyan => 87,
        Color::White => 231,
        Color::Indexed(n) => n,
        Color::Rgb(r, g, b) => cube(r, g, b),
    })
}

/// The nearest colour of xterm's 6×6×6 cube.
fn cube(r: u8, g: u8, b: u8) -> u8 {
    const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    let step = |v: u8| {
        (0u8..6).min_by_key(|&i| (i16::from(LEVELS[usize::from(i)]) - i16::from(v)).unsigned_abs()).unwrap_or(0)
    };
    16 + 36 * step(r) + 6 * step(g) + step(b)
}

impl<W: Write> Write for ConsoleBackend<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Write::flush(&mut self.inner)
    }
}

impl<W: Write> Backend for ConsoleBackend<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        match self.colours {
            Colours::Fbterm => self.draw_fbterm(content),
            Colours::Xterm => {
                let mut last = None;
                self.inner.draw(content.inspect(|(x, y, _)| last = Some(Position { x: *x, y: *y })))?;
                if let Some(p) = last {
                    self.cursor = Position { x: p.x.saturating_add(1), y: p.y };
                }
                Ok(())
            }
        }
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        Ok(self.cursor)
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let p = position.into();
        self.cursor = p;
        self.inner.set_cursor_position(p)
    }

    /// Erases with the default colours whatever the last cell's style was (an erase takes the
    /// current background on these terminals).
    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner.write_all(b"\x1b[0m")?;
        self.inner.clear_region(clear_type)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }

    fn size(&self) -> io::Result<Size> {
        self.inner.size()
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}

/// The screen's text, row by row: a wide (CJK) character is written once, its second cell skipped,
/// so each row reads as the glass shows it. Trailing blanks are cut.
pub fn buffer_text(buffer: &ratatui::buffer::Buffer) -> String {
    use unicode_width::UnicodeWidthStr;
    let area = buffer.area;
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let mut row = String::new();
        let mut skip = 0;
        for x in area.left()..area.right() {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buffer[(x, y)].symbol();
            row.push_str(symbol);
            skip = symbol.width().saturating_sub(1);
        }
        out.push_str(row.trim_end());
        out.push('\n');
    }
    out
}

/// `screen_copy` in till.toml: each new screen's text, ended by a form feed, written to a file or
/// device opened without blocking (a copy no one reads must never hold up a frame).
pub struct ScreenCopy {
    out: std::fs::File,
    last: String,
}

impl ScreenCopy {
    pub fn open(path: &std::path::Path) -> io::Result<ScreenCopy> {
        use std::os::unix::fs::OpenOptionsExt;
        let out = std::fs::OpenOptions::new()
            .write(true)
            .create(!path.starts_with("/dev"))
            .truncate(!path.starts_with("/dev"))
            .custom_flags(libc::O_NONBLOCK)
            .open(path)?;
        Ok(ScreenCopy { out, last: String::new() })
    }

    /// After a frame is drawn: its text, if it differs from the last one written.
    pub fn drawn(&mut self, buffer: &ratatui::buffer::Buffer) {
        let text = buffer_text(buffer);
        if text != self.last {
            // A full port or disk drops this copy, never the frame; the next change is written.
            let _ = self.out.write_all(format!("{text}\x0c\n").as_bytes());
            self.last = text;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::style::Style;
    use ratatui::text::{Line, Span};

    /// What the backend wrote, kept where the test can read it.
    #[derive(Clone, Default)]
    struct Written(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl Written {
        fn text(&self) -> String {
            String::from_utf8_lossy(&self.0.lock().expect("lock")).into_owned()
        }
    }

    impl Write for Written {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().expect("lock").extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn frame(colours: Colours) -> String {
        let written = Written::default();
        let backend = ConsoleBackend::new(written.clone(), colours);
        let mut terminal = Terminal::new(backend).expect("terminal");
        terminal.resize(ratatui::layout::Rect::new(0, 0, 20, 2)).expect("size");
        terminal
            .draw(|f| {
                let line = Line::from(vec![
                    Span::styled(" 便利店 ", Style::new().fg(Color::White).bg(Color::Blue).bold()),
                    Span::styled("合计", Style::new().fg(Color::DarkGray)),
                    Span::styled("!", Style::new().fg(Color::Black).bg(Color::Yellow)),
                    Span::raw("x"),
                ]);
                f.render_widget(line, f.area());
            })
            .expect("draw");
        written.text()
    }

    #[test]
    fn fbterm_gets_its_own_colour_sequences_and_no_xterm_sgr() {
        let out = frame(Colours::Fbterm);
        assert!(!out.contains("38;5") && !out.contains("48;5"), "{out:?}");
        // Every SGR is a reset, bold or reverse: nothing fbterm reads as underline, blink or italic.
        for sgr in out.split("\x1b[").filter_map(|s| s.split_once('m').map(|(p, _)| p)) {
            if sgr.chars().all(|c| c.is_ascii_digit() || c == ';') {
                assert!(sgr.split(';').all(|p| ["0", "1", "7"].contains(&p)), "SGR {sgr:?} in {out:?}");
            }
        }
        assert!(out.contains("\x1b[0;1m\x1b[1;231}\x1b[2;20} 便\x1b[1;4H利"), "{out:?}");
        assert!(out.contains("\x1b[0m\x1b[1;244}合\x1b[1;11H计"), "{out:?}");
        assert!(out.contains("\x1b[0m\x1b[1;16}\x1b[2;178}!\x1b[0mx"), "{out:?}");
    }

    #[test]
    fn other_terminals_keep_crosstermss_sequences() {
        let out = frame(Colours::Xterm);
        assert!(out.contains("38;5;15") && out.contains("48;5;4"), "{out:?}");
        assert_eq!(Colours::for_term(Some("xterm-256color")), Colours::Xterm);
        assert_eq!(Colours::for_term(Some("linux")), Colours::Xterm);
        assert_eq!(Colours::for_term(Some("fbterm")), Colours::Fbterm);
    }

    #[test]
    fn a_clear_erases_with_the_default_colours_and_asks_the_terminal_nothing() {
        let written = Written::default();
        let mut backend = ConsoleBackend::new(written.clone(), Colours::Fbterm);
        backend.set_cursor_position(Position { x: 3, y: 4 }).expect("move");
        backend.clear().expect("clear");
        assert_eq!(backend.get_cursor_position().expect("position"), Position { x: 3, y: 4 });
        assert!(written.text().ends_with("\x1b[0m\x1b[2J"), "{:?}", written.text());
    }

    #[test]
    fn the_screen_copy_is_the_text_drawn_once_per_change() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("screen.txt");
        let mut copy = ScreenCopy::open(&path).expect("open");
        let mut terminal = Terminal::new(ratatui::backend::TestBackend::new(12, 2)).expect("terminal");
        for text in ["签到 01", "签到 01", "收银"] {
            let frame = terminal.draw(|f| f.render_widget(Line::raw(text), f.area())).expect("draw");
            copy.drawn(frame.buffer);
        }
        let written = std::fs::read_to_string(&path).expect("read");
        assert_eq!(written, "签到 01\n\n\x0c\n收银\n\n\x0c\n");
    }

    #[test]
    fn rgb_goes_to_the_nearest_cube_colour() {
        assert_eq!(cube(0, 0, 0), 16);
        assert_eq!(cube(255, 255, 255), 231);
        assert_eq!(cube(250, 0, 0), 196);
    }
}
