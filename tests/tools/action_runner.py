#!/usr/bin/env python3
"""Runs the steps of a composite GitHub Action (action.yml) on this machine, the way a runner would, so
that tests/e2e/test_action.sh can check the action's own logic with the real dtscan: `${{ }}`
expressions in env/with/if, `if:` conditions (success(), always(), ==, !=, &&, ||, !, null), shell
steps run as `bash --noprofile --norc -eo pipefail`, $GITHUB_OUTPUT/$GITHUB_PATH, and a failed step
skipping the rest unless their `if:` says always(). `uses:` steps are not run (no network, no GitHub):
they are recorded with their evaluated inputs, and fail as the real action would when an input names
a file that does not exist (upload-sarif's sarif_file), or when --fail names them (an upload refused by
GitHub). This is a model of GitHub's runner, not GitHub itself.

usage: action_runner.py ACTION_YML CONTEXT_JSON [--skip STEP_NAME]... [--fail STEP_NAME]...
CONTEXT_JSON: {"inputs": {...}, "github": {...}, "runner": {"temp": DIR}, "path": [DIR...]}.
The steps' own output goes to stderr (the log). Prints one JSON object: {"steps": [{"name", "outcome", "uses"?, "with"?}], "outputs": {...}}; exit 0.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

EXPR = re.compile(r"\$\{\{(.*?)\}\}", re.S)
TOKEN = re.compile(r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>\d+(?:\.\d+)?)|(?P<op>==|!=|&&|\|\||!|\(|\)|,)"
                   r"|(?P<name>[A-Za-z_][A-Za-z0-9_.\-]*))")


class Eval:
    """Recursive descent over GitHub's expression grammar (the subset action files use)."""

    def __init__(self, text, ctx, status):
        self.toks, pos = [], 0
        text = text.strip()
        while pos < len(text):
            m = TOKEN.match(text, pos)
            if not m or m.end() == pos:
                raise ValueError(f"cannot parse expression at: {text[pos:]!r}")
            self.toks.append((m.lastgroup, m.group(m.lastgroup)))
            pos = m.end()
            while pos < len(text) and text[pos].isspace():
                pos += 1
        self.i, self.ctx, self.status = 0, ctx, status

    def peek(self):
        return self.toks[self.i][1] if self.i < len(self.toks) else None

    def take(self):
        self.i += 1
        return self.toks[self.i - 1]

    def run(self):
        v = self.or_()
        if self.i != len(self.toks):
            raise ValueError(f"trailing tokens: {self.toks[self.i:]}")
        return v

    def or_(self):
        v = self.and_()
        while self.peek() == "||":
            self.take()
            r = self.and_()
            v = v if truthy(v) else r
        return v

    def and_(self):
        v = self.cmp()
        while self.peek() == "&&":
            self.take()
            r = self.cmp()
            v = r if truthy(v) else v
        return v

    def cmp(self):
        v = self.unary()
        while self.peek() in ("==", "!="):
            op = self.take()[1]
            r = self.unary()
            v = equal(v, r) if op == "==" else not equal(v, r)
        return v

    def unary(self):
        if self.peek() == "!":
            self.take()
            return not truthy(self.unary())
        return self.atom()

    def atom(self):
        kind, text = self.take()
        if text == "(":
            v = self.or_()
            self.take()
            return v
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if kind == "num":
            return float(text)
        if text in ("true", "false"):
            return text == "true"
        if text == "null":
            return None
        if self.peek() == "(":
            self.take()
            args = []
            while self.peek() != ")":
                args.append(self.or_())
                if self.peek() == ",":
                    self.take()
            self.take()
            return self.call(text, args)
        v = self.ctx
        for part in text.split("."):
            v = v.get(part) if isinstance(v, dict) else None
        return v

    def call(self, name, args):
        if name == "always":
            return True
        if name == "success":
            return self.status == "success"
        if name == "failure":
            return self.status == "failure"
        if name == "cancelled":
            return False
        if name == "format":
            return re.sub(r"\{(\d+)\}", lambda m: text_of(args[int(m.group(1)) + 1]), args[0])
        raise ValueError(f"function {name}() is not modelled")


def truthy(v):
    return v not in (None, False, 0, 0.0, "")


def equal(a, b):
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    return a == b


def text_of(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return v if isinstance(v, str) else json.dumps(v)


def substitute(text, ctx, status):
    return EXPR.sub(lambda m: text_of(Eval(m.group(1), ctx, status).run()), str(text))


def condition(text, ctx, status):
    if text is None:
        return status == "success"
    text = str(text).strip()
    m = EXPR.fullmatch(text)
    expr = m.group(1) if m else text
    uses_status = re.search(r"\b(always|success|failure|cancelled)\(", expr)
    if not uses_status:
        expr = f"success() && ({expr})"
    return truthy(Eval(expr, ctx, status).run())


def read_outputs(path):
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f.read().splitlines():
            if "=" in line:
                k, v = line.split("=", 1)
                out[k] = v
    return out


def main():
    args = sys.argv[1:]
    skip, fail = set(), set()
    for flag, names in (("--skip", skip), ("--fail", fail)):
        while flag in args:
            i = args.index(flag)
            names.add(args[i + 1])
            del args[i:i + 2]
    action_path, context_path = args
    with open(action_path, encoding="utf-8") as f:
        action = yaml.safe_load(f)
    with open(context_path, encoding="utf-8") as f:
        ctx = json.load(f)
    inputs = {k: str(v.get("default", "")) for k, v in action.get("inputs", {}).items()}
    inputs.update({k: str(v) for k, v in ctx.get("inputs", {}).items()})
    ctx["inputs"] = inputs
    ctx["steps"] = {}
    path_dirs = list(ctx.pop("path", []))
    status, log = "success", []
    temp = ctx["runner"]["temp"]
    for step in action["runs"]["steps"]:
        name = step.get("name") or step.get("uses") or step.get("id")
        entry = {"name": name}
        log.append(entry)
        if name in skip or not condition(step.get("if"), ctx, status):
            entry["outcome"] = "skipped"
            continue
        if "uses" in step:
            given = {k: substitute(v, ctx, status) for k, v in step.get("with", {}).items()}
            missing = "sarif_file" in given and not os.path.isfile(given["sarif_file"])
            ok = name not in fail and not missing
            entry.update(outcome="success" if ok else "failure", uses=step["uses"], **{"with": given})
            if step.get("id"):
                ctx["steps"][step["id"]] = {"outputs": {}, "outcome": entry["outcome"]}
            if not ok:
                status = "failure"
            continue
        env = dict(os.environ)
        env["PATH"] = ":".join(path_dirs + [env.get("PATH", "")])
        env.update({k: substitute(v, ctx, status) for k, v in step.get("env", {}).items()})
        fd, out_file = tempfile.mkstemp(dir=temp, prefix="output.")
        os.close(fd)
        fd, path_file = tempfile.mkstemp(dir=temp, prefix="path.")
        os.close(fd)
        env.update(GITHUB_OUTPUT=out_file, GITHUB_PATH=path_file, RUNNER_TEMP=temp)
        fd, script = tempfile.mkstemp(dir=temp, prefix="step.", suffix=".sh")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(substitute(step["run"], ctx, status))
        rc = subprocess.call(["bash", "--noprofile", "--norc", "-eo", "pipefail", script], env=env,
                             cwd=ctx.get("workdir", "."), stdout=sys.stderr)
        entry["outcome"] = "success" if rc == 0 else "failure"
        entry["rc"] = rc
        if step.get("id"):
            ctx["steps"][step["id"]] = {"outputs": read_outputs(out_file), "outcome": entry["outcome"]}
        with open(path_file, encoding="utf-8") as f:
            path_dirs = [d for d in f.read().splitlines() if d][::-1] + path_dirs
        if rc != 0:
            status = "failure"
    outputs = {k: substitute(v.get("value", ""), ctx, status) for k, v in action.get("outputs", {}).items()}
    print(json.dumps({"steps": log, "outputs": outputs}, indent=1))


if __name__ == "__main__":
    main()
