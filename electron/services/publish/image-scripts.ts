/**
 * The small Python programs every Kiln-built image carries (exported bundles and deploys alike),
 * under `kiln/` in the build context. They run the app exactly as Kiln's local launcher does:
 * an ASGI `app` under uvicorn, otherwise `python backend.py --port N`, a static site with
 * `http.server`. The app always listens on 127.0.0.1 inside the container (anton backends
 * bind there), and a forwarder publishes it on `KILN_BIND:PORT` with SO_REUSEPORT, so a new
 * container can start beside the old one on the same host port (no downtime on redeploy).
 */

export const KILN_SCRIPTS_DIR = 'kiln';

/** File the launcher writes the app's private port to; the health probe reads it. */
const INNER_PORT_FILE = '/tmp/kiln-inner-port';

export const startScript = `"""Kiln's container launcher (generated). See README.md."""
import asyncio
import os
import signal
import socket
import subprocess
import sys

PORT = int(os.environ.get("PORT", "8000"))
BIND = os.environ.get("KILN_BIND", "0.0.0.0")
KIND = os.environ.get("KILN_KIND", "fullstack")
APP_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# An ASGI app (FastAPI, Starlette) has an async __call__; a stdlib http.server backend or a
# WSGI app has none, so it runs the way Kiln runs it locally: python backend.py --port N.
DETECT = (
    "import inspect, sys; sys.path.insert(0, '.'); import backend; a = getattr(backend, 'app', None); "
    "c = getattr(type(a), '__call__', None) if a is not None else None; "
    "sys.exit(0 if a is not None and (inspect.iscoroutinefunction(a) or inspect.iscoroutinefunction(c)) else 3)"
)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def command(inner):
    if KIND == "static":
        return [sys.executable, "-m", "http.server", str(inner), "--bind", "127.0.0.1", "--directory", os.path.join(APP_DIR, "site")]
    asgi = subprocess.run([sys.executable, "-c", DETECT], cwd=APP_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0
    if asgi:
        print("kiln: serving backend:app with uvicorn", flush=True)
        return [sys.executable, "-m", "uvicorn", "backend:app", "--host", "127.0.0.1", "--port", str(inner)]
    print("kiln: no ASGI app in backend.py; running python backend.py --port", inner, flush=True)
    return [sys.executable, "backend.py", "--port", str(inner)]


async def pipe(reader, writer):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        try:
            writer.close()
        except OSError:
            pass


async def main():
    inner = free_port()
    child = subprocess.Popen(command(inner), cwd=APP_DIR)

    async def handle(reader, writer):
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", inner)
        except OSError:
            writer.close()
            return
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    try:
        server = await asyncio.start_server(handle, BIND, PORT, reuse_port=True)
    except OSError as e:
        print(f"kiln: port {PORT} on {BIND} is already in use ({e.strerror}); choose another port", flush=True)
        child.terminate()
        sys.exit(98)
    with open("${INNER_PORT_FILE}", "w") as f:
        f.write(str(inner))
    print(f"kiln: listening on {BIND}:{PORT}", flush=True)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    while not stop.is_set() and child.poll() is None:
        try:
            await asyncio.wait_for(stop.wait(), 0.5)
        except asyncio.TimeoutError:
            pass
    server.close()
    if child.poll() is None:
        child.terminate()
        try:
            child.wait(10)
        except subprocess.TimeoutExpired:
            child.kill()
        sys.exit(0)
    print(f"kiln: the app exited with code {child.returncode}", flush=True)
    sys.exit(child.returncode or 1)


asyncio.run(main())
`;

/**
 * Installs requirements.txt with pip when the base image has pip. A base image without pip
 * (a distribution's Python with its packages preinstalled) must already provide them; the
 * names it lacks are printed so a failing start is easy to explain.
 */
export const installScript = `"""Kiln's dependency step (generated)."""
import importlib.util
import re
import subprocess
import sys

names = []
with open("requirements.txt") as f:
    for line in f:
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            names.append(re.split(r"[<>=!~\\[; ]", line, 1)[0])

if importlib.util.find_spec("pip") is not None:
    cmd = [sys.executable, "-m", "pip", "install", "--no-cache-dir", "-r", "requirements.txt", "uvicorn"]
    print("kiln:", " ".join(cmd), flush=True)
    sys.exit(subprocess.call(cmd))

missing = [n for n in names if importlib.util.find_spec(n.replace("-", "_").lower()) is None]
print("kiln: this base image has no pip, so requirements.txt is not installed; it must provide the packages.")
if missing:
    print("kiln: not importable here (the app may fail if it needs them):", ", ".join(missing))
`;

/**
 * Exit 0 when the app answers 2xx on /api/health, or else on / (a static site has no API).
 * Plain sockets and `python3 -S`: it runs every 250 ms while the app starts, so it must cost
 * next to nothing (urllib alone imports http.client, email and ssl).
 */
export const probeScript = `import socket, sys
try:
    port = int(open("${INNER_PORT_FILE}").read().strip())
except (OSError, ValueError):
    sys.exit(1)
for p in ("/api/health", "/"):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=3) as s:
            s.sendall(("GET %s HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n" % p).encode())
            head = s.recv(64).split(b" ")
        if len(head) > 1 and head[1][:1] == b"2":
            sys.exit(0)
    except OSError:
        pass
sys.exit(1)
`;

export const PROBE_PATH = `/app/${KILN_SCRIPTS_DIR}/probe.py`;

export function kilnScripts(): { name: string; content: string }[] {
  return [
    { name: `${KILN_SCRIPTS_DIR}/start.py`, content: startScript },
    { name: `${KILN_SCRIPTS_DIR}/install.py`, content: installScript },
    { name: `${KILN_SCRIPTS_DIR}/probe.py`, content: probeScript },
  ];
}
