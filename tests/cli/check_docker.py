#!/usr/bin/env python3
"""check_docker.py - the container files checked against the tree, without a Docker engine.

No engine runs in CI, so nothing else would notice docker/ drifting from the
code: a script renamed, a binary moved, an option's environment variable
renamed, a library added to the link but not to the runtime image. This
checks that docker/docker-compose.yml parses and names the image and the
commands docker/Dockerfile builds, that every script the Dockerfile runs
exists, that the binaries it copies are the executables CMake builds at
those paths, that the runtime packages are exactly those owning the
libraries the binaries load, that every environment variable set for a
program is one its option table reads, and that .dockerignore keeps the
build trees out. Every problem is reported, then the exit status is 1.
"""
import argparse
import fnmatch
import os
import re
import shlex
import subprocess
import sys

try:
    import yaml
except ImportError:
    sys.exit("check_docker: python3-yaml is missing (scripts/install-deps.sh installs it)")

problems = []


def problem(msg):
    problems.append(msg)


# ---- Dockerfile -------------------------------------------------------------

def dockerfile_instructions(path):
    """(line number, KEYWORD, arguments) per instruction, continuations joined, comments dropped."""
    out, buf, start = [], "", 0
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not buf and (not line.strip() or line.lstrip().startswith("#")):
                continue
            if buf and line.lstrip().startswith("#"):
                continue  # a comment inside a continued instruction
            if not buf:
                start = n
            if line.endswith("\\"):
                buf += line[:-1] + " "
                continue
            buf += line
            keyword, _, args = buf.strip().partition(" ")
            out.append((start, keyword.upper(), args.strip()))
            buf = ""
    return out


def exec_form(args):
    """The argv of an instruction in JSON (exec) or shell form."""
    args = args.strip()
    if args.startswith("["):
        import json
        return json.loads(args)
    return shlex.split(args)


def strip_flags(words):
    """Drops leading --flag=value words (COPY --from=..., HEALTHCHECK --interval=...)."""
    flags = {}
    while words and words[0].startswith("--"):
        k, _, v = words.pop(0)[2:].partition("=")
        flags[k] = v
    return flags, words


def parse_dockerfile(path):
    stages = []
    for line, kw, args in dockerfile_instructions(path):
        if kw == "FROM":
            words = args.split()
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else str(len(stages))
            stages.append({"image": words[0], "name": name, "line": line, "ins": []})
        elif not stages:
            problem(f"Dockerfile:{line}: {kw} before the first FROM")
        else:
            stages[-1]["ins"].append((line, kw, args))
    return stages


# ---- CMake: which executable is built where ----------------------------------

def cmake_executables(source):
    """{build-relative path: source directory} of every add_executable in the tree."""
    found = {}
    for d, dirs, files in os.walk(source):
        dirs[:] = [x for x in dirs if not x.startswith(("build", ".")) and x != "tests"]
        if "CMakeLists.txt" not in files:
            continue
        with open(os.path.join(d, "CMakeLists.txt")) as f:
            text = f.read()
        rel = os.path.relpath(d, source)
        for name in re.findall(r"add_executable\(\s*([A-Za-z0-9_.-]+)", text):
            found[os.path.normpath(os.path.join(rel, name))] = d
    return found


def env_names_read(directory):
    """Environment variables named as string literals in a program's C sources (its option table)."""
    names = set()
    for f in os.listdir(directory):
        if f.endswith(".c"):
            with open(os.path.join(directory, f)) as fh:
                names |= set(re.findall(r'"([A-Z][A-Z0-9]*_[A-Z0-9_]+)"', fh.read()))
    return names


# ---- Shared libraries -> Debian packages --------------------------------------

def needed_packages(binary):
    """The packages owning the libraries binary links directly, or None when the tools are missing."""
    try:
        dyn = subprocess.run(["readelf", "-d", binary], capture_output=True, text=True, check=True).stdout
        ldd = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    where = {}
    for line in ldd.splitlines():
        m = re.match(r"\s*(\S+) => (\S+)", line)
        if m:
            where[m.group(1)] = m.group(2)
    pkgs = {}
    for lib in re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dyn):
        path = where.get(lib)
        if not path:
            problem(f"{binary}: {lib} does not resolve (ldd)")
            continue
        owner = None
        for candidate in (path, os.path.realpath(path), re.sub(r"^/usr(?=/lib)", "", os.path.realpath(path))):
            r = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
            if r.returncode == 0:
                owner = r.stdout.split(":")[0]
                break
        if owner is None:
            problem(f"{binary}: no Debian package owns {path}")
        else:
            pkgs[owner] = lib
    return pkgs


def tool_packages(server_dir):
    """{package: tool} for the programs volumed runs (the argv[0] of its tool calls)."""
    tools = set()
    for f in os.listdir(server_dir):
        if f.endswith(".c"):
            with open(os.path.join(server_dir, f)) as fh:
                tools |= set(re.findall(r'argv\[\]\s*=\s*\{\s*"([\w.+-]+)"', fh.read()))
    found = {}
    for tool in sorted(tools):
        # Where volumed looks (server/tool.c): sbin first.
        for d in ("/usr/sbin", "/sbin", "/usr/bin", "/bin"):
            path = os.path.join(d, tool)
            if os.access(path, os.X_OK):
                r = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True)
                if r.returncode == 0:
                    found[r.stdout.split(":")[0]] = tool
                    break
        else:
            problem(f"volumed runs {tool}, which is not installed here (scripts/install-deps.sh?)")
    return found


# Present in every Debian image (the C library and the compiler runtime).
BASE_PACKAGES = {"libc6", "libgcc-s1"}


# ---- compose: ${VAR:-default} as compose expands it with VAR unset ------------

def expand_defaults(value):
    def sub(m):
        body = m.group(1)
        for sep in (":-", "-"):
            if sep in body:
                return body.split(sep, 1)[1]
        return ""
    return re.sub(r"\$\{([^}]*)\}", sub, str(value))


def host_port(address):
    host, _, port = address.rpartition(":")
    return host, port


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", required=True)
    ap.add_argument("--volumed", required=True)
    ap.add_argument("--volumectl", required=True)
    ap.add_argument("--gateway", required=True)
    ap.add_argument("--sanitized", default="0")
    a = ap.parse_args()
    src = os.path.abspath(a.source)
    dockerfile = os.path.join(src, "docker", "Dockerfile")
    compose_file = os.path.join(src, "docker", "docker-compose.yml")

    # -- the Dockerfile
    stages = parse_dockerfile(dockerfile)
    if len(stages) < 2:
        problem("Dockerfile: expected a build stage and a runtime stage")
        return report()
    for s in stages:
        if not re.match(r"^(debian:(12|bookworm)(-slim)?)$", s["image"]):
            problem(f"Dockerfile:{s['line']}: {s['image']} is not Debian 12")
    build, runtime = stages[0], stages[-1]

    # Build stage: CI's scripts, in CI's order, and each exists and runs.
    workdir = "/"
    ran = []
    for line, kw, args in build["ins"]:
        if kw == "WORKDIR":
            workdir = args
        if kw == "COPY":
            _, words = strip_flags(exec_form(args))
            for s in words[:-1]:
                if s != "." and not os.path.exists(os.path.join(src, s)):
                    problem(f"Dockerfile:{line}: COPY {s}: no such file in the tree")
        if kw == "RUN":
            for script in re.findall(r"(?:^|[\s;&|])((?:\./)?scripts/[\w./-]+)", args):
                ran.append(script.lstrip("./") if script.startswith("./") else script)
                p = os.path.join(src, script)
                if not os.path.isfile(p):
                    problem(f"Dockerfile:{line}: RUN {script}: no such script")
                elif not os.access(p, os.X_OK):
                    problem(f"Dockerfile:{line}: {script} is not executable")
    for script in ("scripts/install-deps.sh", "scripts/build.sh"):
        if script not in ran:
            problem(f"Dockerfile: the build stage does not run {script}, as CI does")
    if ran.count("scripts/build.sh") and ran.index("scripts/build.sh") < ran.index("scripts/install-deps.sh"):
        problem("Dockerfile: scripts/build.sh runs before scripts/install-deps.sh")
    # scripts/build.sh's tree: its first argument, or "build".
    build_dir = "build"
    for line, kw, args in build["ins"]:
        m = re.search(r"scripts/build\.sh(?:\s+([^\s&;|-][^\s&;|]*))?", args) if kw == "RUN" else None
        if m:
            build_dir = m.group(1) or "build"
    build_root = os.path.normpath(os.path.join(workdir, build_dir))

    # Runtime stage: the binaries, the packages, the user, the health check, the environment.
    executables = cmake_executables(src)
    copied = {}  # binary name -> directory of its sources
    user, health, packages, env, dest = None, None, set(), {}, None
    for line, kw, args in runtime["ins"]:
        if kw == "COPY":
            flags, words = strip_flags(exec_form(args))
            if flags.get("from") not in (build["name"], "0"):
                continue
            dest = words[-1]
            for s in words[:-1]:
                rel = os.path.relpath(os.path.normpath(s), build_root)
                if rel.startswith(".."):
                    problem(f"Dockerfile:{line}: {s} is not in the build tree {build_root}")
                elif rel not in executables:
                    problem(f"Dockerfile:{line}: {s}: the build makes no executable {rel} "
                            f"(CMake builds: {', '.join(sorted(executables))})")
                else:
                    copied[os.path.basename(rel)] = executables[rel]
        elif kw == "USER":
            user = args.split(":")[0]
        elif kw == "HEALTHCHECK":
            _, words = strip_flags(shlex.split(args))
            if words and words[0].upper() == "CMD":
                health = exec_form(args[args.upper().index("CMD") + 3:])
        elif kw == "RUN" and "apt-get install" in args:
            words = shlex.split(args.split("apt-get install", 1)[1].split("&&")[0])
            packages |= {w for w in words if not w.startswith("-")}
        elif kw == "ENV":
            for k, v in re.findall(r"([A-Z_][A-Z0-9_]*)=(\S+)", args):
                env[k] = v
    if set(copied) != {"volumed", "volume-gateway", "volumectl"}:
        problem(f"Dockerfile: the runtime stage copies {sorted(copied)}, "
                "expected volumed, volume-gateway and volumectl")
    if dest is None or dest.rstrip("/") not in ("/usr/local/bin", "/usr/bin"):
        problem(f"Dockerfile: binaries go to {dest}, not a directory on PATH")
    if user in (None, "root", "0"):
        problem("Dockerfile: the runtime stage runs as root (no USER, or USER root)")
    if not health:
        problem("Dockerfile: the runtime stage has no HEALTHCHECK CMD")
    elif health[0] not in copied:
        problem(f"Dockerfile: HEALTHCHECK runs {health[0]}, which the image does not hold")
    all_read = set()
    for name, d in copied.items():
        all_read |= env_names_read(d)
    for k in env:
        if k not in all_read:
            problem(f"Dockerfile: ENV {k} is read by none of {sorted(copied)}")

    # Runtime packages = owners of the libraries the binaries link.
    binaries = {"volumed": a.volumed, "volumectl": a.volumectl, "volume-gateway": a.gateway}
    sanitized = a.sanitized.lower() in ("1", "on", "true", "yes")
    wanted, complete = {}, True
    if sanitized:
        # A sanitizer build links more (ASan keeps libraries --as-needed
        # would drop), so it says nothing about the image's plain build.
        print("check_docker: sanitizer build; runtime packages are checked in the plain build")
        binaries, complete = {}, False
    for name, path in binaries.items():
        if not os.path.exists(path):
            print(f"check_docker: {path} is not built; its libraries are not checked")
            complete = False
            continue
        pkgs = needed_packages(path)
        if pkgs is None:
            print("check_docker: readelf, ldd or dpkg is missing; runtime packages not checked")
            complete = False
            break
        for p, lib in pkgs.items():
            wanted.setdefault(p, (name, lib))
    if "volumed" in copied:
        for p, tool in tool_packages(copied["volumed"]).items():
            wanted.setdefault(p, ("volumed", f"the tool {tool}"))
    for p, (name, lib) in sorted(wanted.items()):
        if p not in packages and p not in BASE_PACKAGES:
            problem(f"Dockerfile: {name} needs {lib} from {p}, which the runtime stage does not install")
    if complete:
        for p in sorted(packages - set(wanted)):
            problem(f"Dockerfile: the runtime stage installs {p}, which no binary links")

    # -- the compose file
    with open(compose_file) as f:
        compose = yaml.safe_load(f)
    services = compose.get("services") or {}
    missing = [n for n in ("postgres", "volumed", "volume-gateway") if n not in services]
    for name in missing:
        problem(f"compose: no service {name}")
    if missing:
        return report()
    compose_dir = os.path.dirname(compose_file)
    ours = {}
    for name, svc in services.items():
        b = svc.get("build")
        if not b:
            continue
        ctx = os.path.normpath(os.path.join(compose_dir, b.get("context", ".")))
        df = os.path.normpath(os.path.join(ctx, b.get("dockerfile", "Dockerfile")))
        if ctx != src:
            problem(f"compose: {name} builds in {ctx}, not the repository root ({src}): "
                    ".dockerignore and the scripts would not apply")
        if df != dockerfile:
            problem(f"compose: {name} builds {df}, not docker/Dockerfile")
        ours[name] = svc
    for name in ("volumed", "volume-gateway"):
        if name not in ours:
            problem(f"compose: {name} does not run the image docker/Dockerfile builds")
    if len({expand_defaults(s.get("image")) for s in ours.values()}) != 1:
        problem("compose: volumed and volume-gateway should share one image name")

    want_cmd = {"volumed": "volumed", "volume-gateway": "volume-gateway"}
    for name, svc in ours.items():
        cmd = svc.get("command")
        cmd = shlex.split(cmd) if isinstance(cmd, str) else (cmd or ["volumed"])
        if cmd[0] not in copied:
            problem(f"compose: {name} runs {cmd[0]}, which the image does not hold")
        elif name in want_cmd and cmd[0] != want_cmd[name]:
            problem(f"compose: service {name} runs {cmd[0]}")
        environment = svc.get("environment") or {}
        if isinstance(environment, list):
            environment = dict(e.split("=", 1) for e in environment)
        read = env_names_read(copied.get(cmd[0], src)) if cmd[0] in copied else set()
        for k in environment:
            if k not in read:
                problem(f"compose: {name} sets {k}, which {cmd[0]} does not read")
        svc["_env"] = {k: expand_defaults(v) for k, v in environment.items()}
        svc["_cmd"] = cmd
        # Ports: on loopback by default.
        svc["_ports"] = []
        for p in svc.get("ports") or []:
            spec = expand_defaults(p)
            parts = spec.split(":")
            if len(parts) != 3 or parts[0] != "127.0.0.1":
                problem(f"compose: {name} publishes {spec}: not on 127.0.0.1 by default")
            svc["_ports"].append(parts[-1])
        hc = svc.get("healthcheck", {}).get("test")
        if hc and hc[0] == "CMD" and hc[1] not in copied and hc[1] not in ("bash", "sh"):
            problem(f"compose: the health check of {name} runs {hc[1]}, which the image does not hold")
        if "container_name" in svc and name == "volumed":
            problem("compose: volumed has a container_name, so it cannot be scaled")

    vd, gw = ours.get("volumed", {}), ours.get("volume-gateway", {})
    listen = vd.get("_env", {}).get("VOLUMED_LISTEN", env.get("VOLUMED_LISTEN", ""))
    host, port = host_port(listen)
    if host != "0.0.0.0":
        problem(f"compose: volumed listens on {listen}; other containers cannot reach it")
    if port not in vd.get("_ports", []):
        problem(f"compose: volumed listens on port {port} but publishes {vd.get('_ports')}")
    url = vd.get("_env", {}).get("VOLUMED_DATABASE_URL", "")
    m = re.match(r"postgres(?:ql)?://(?:[^@/]*@)?([^:/]+)", url)
    if not m or m.group(1) not in services:
        problem(f"compose: VOLUMED_DATABASE_URL {url} names no service of this file")
    target = gw.get("_env", {}).get("GATEWAY_VOLUMED", "")
    th, tp = host_port(target)
    if th != "volumed" or tp != port:
        problem(f"compose: GATEWAY_VOLUMED is {target}, expected volumed:{port}")
    glisten = gw.get("_env", {}).get("GATEWAY_LISTEN", env.get("GATEWAY_LISTEN", ""))
    gh, gp = host_port(glisten)
    if gh != "0.0.0.0" or gp not in gw.get("_ports", []):
        problem(f"compose: the gateway listens on {glisten} but publishes {gw.get('_ports')}")

    # Start order, gated on health, and every gate has a health check.
    order = {"volumed": "postgres", "volume-gateway": "volumed"}
    for name, dep in order.items():
        d = (services[name].get("depends_on") or {})
        cond = d.get(dep, {}).get("condition") if isinstance(d, dict) else None
        if cond != "service_healthy":
            problem(f"compose: {name} does not wait for {dep} to be healthy")
        if "healthcheck" not in services[dep] and not (dep in ours and health):
            problem(f"compose: {dep} has no health check to wait for")
    pg = services["postgres"]
    test = " ".join(map(str, (pg.get("healthcheck") or {}).get("test", [])))
    if "pg_isready" not in test:
        problem("compose: the postgres health check does not use pg_isready")
    named = compose.get("volumes") or {}
    mounts = [str(v).split(":") for v in pg.get("volumes") or []]
    if not any(m[0] in named and m[1] == "/var/lib/postgresql/data" for m in mounts if len(m) >= 2):
        problem("compose: Postgres data is not on a named volume")
    for name, svc in services.items():
        for v in svc.get("volumes") or []:
            src_ = str(v).split(":")[0]
            if not src_.startswith((".", "/", "~", "$")) and src_ not in named:
                problem(f"compose: {name} mounts the volume {src_}, which the file does not declare")

    # -- .dockerignore keeps build trees, .run and .git out of the context.
    ignore = os.path.join(src, ".dockerignore")
    if not os.path.exists(ignore):
        problem(".dockerignore is missing")
    else:
        with open(ignore) as f:
            pats = [l.strip() for l in f if l.strip() and not l.startswith("#")]
        for path in (".git", ".run", "build", "build-asan", "build-cli", build_dir):
            if not any(fnmatch.fnmatch(path, p.strip("/")) for p in pats):
                problem(f".dockerignore does not exclude {path}")

    return report()


def report():
    for p in problems:
        print(f"check_docker: {p}")
    if problems:
        return 1
    print("check_docker: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
