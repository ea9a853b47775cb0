//! The listening side both simulators share: a port that can be taken down (connections refused)
//! and brought up again on the same address, and connections that end when the simulator stops.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::watch;

/// A simulator's request handling: one request (or a held connection) per call.
pub trait Serve: Send + Sync + 'static {
    fn serve(&self, stream: &mut TcpStream) -> impl Future<Output = ()> + Send;
}

/// Binds `addr` so that it can be bound again right after closing (connections in TIME_WAIT).
pub fn listen(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() { TcpSocket::new_v4()? } else { TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(128)
}

/// Accepts on `addr` until `stop`; while `down` the socket is closed, which is what makes clients
/// see "connection refused". `listening` reports whether the port is open.
pub async fn accept_loop<S: Serve>(
    first: Option<TcpListener>,
    addr: SocketAddr,
    server: Arc<S>,
    mut stop: watch::Receiver<bool>,
    mut down: watch::Receiver<bool>,
    listening: watch::Sender<bool>,
) {
    let mut listener = first;
    loop {
        if *stop.borrow() {
            return;
        }
        if *down.borrow_and_update() {
            listener = None;
            listening.send_replace(false);
            tokio::select! {
                changed = down.changed() => if changed.is_err() { return },
                _ = stop.changed() => return,
            }
            continue;
        }
        let current = match listener.take() {
            Some(l) => l,
            None => match listen(addr) {
                Ok(l) => {
                    listening.send_replace(true);
                    l
                }
                Err(e) => {
                    tracing::warn!(%addr, error = %e, "simulator cannot listen again yet");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        tokio::select! {
            accepted = current.accept() => {
                if let Ok((stream, _)) = accepted {
                    tokio::spawn(connection(stream, server.clone(), stop.clone()));
                }
            }
            changed = down.changed() => if changed.is_err() { return },
            _ = stop.changed() => return,
        }
        listener = Some(current);
    }
}

async fn connection<S: Serve>(mut stream: TcpStream, server: Arc<S>, mut stop: watch::Receiver<bool>) {
    tokio::select! {
        _ = server.serve(&mut stream) => {}
        _ = stop.changed() => {}
    }
}
