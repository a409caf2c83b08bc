"""A TCP proxy that serves what the upstream sends at RATE bytes per second per
connection (a source registry that gives each connection 16 MB/s). Prints its port,
then runs until killed.

usage: throttle_proxy.py UPSTREAM_HOST:PORT RATE"""
import socket
import sys
import threading
import time

upstream_host, upstream_port = sys.argv[1].rsplit(":", 1)
rate = int(sys.argv[2])


def pipe(src, dst, limit):
    started, sent = time.monotonic(), 0
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
            sent += len(data)
            if limit:
                ahead = sent / limit - (time.monotonic() - started)
                if ahead > 0:
                    time.sleep(ahead)
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def serve(client):
    server = socket.create_connection((upstream_host, int(upstream_port)))
    threading.Thread(target=pipe, args=(client, server, 0), daemon=True).start()
    threading.Thread(target=pipe, args=(server, client, rate), daemon=True).start()


listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(128)
print(listener.getsockname()[1], flush=True)
while True:
    client, _ = listener.accept()
    threading.Thread(target=serve, args=(client,), daemon=True).start()
