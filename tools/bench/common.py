"""Helpers every attnforge benchmark shares: finding and running the C++ tools,
measuring the machine's limits (FMA peak, memory bandwidth), timing Python peers,
describing the machine, and writing Markdown tables into docs/performance.md.

Benchmarks prove speed by running attnforge and its peers side by side in one
run on one machine, so each report carries the date, machine, commit, thread
count and the exact command that produced it.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shlex
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CLI = REPO_ROOT / "build/release/tools/cli/attnforge"
DEFAULT_PEAK = REPO_ROOT / "build/release/tools/peak/attnforge-peak"

# A thread that got less of a CPU than this while a machine limit was measured
# shared its core with other work: every figure of that run is suspect.
BUSY_CPU_SHARE = 0.95


class BenchmarkError(Exception):
    """A failure the user can fix (missing build, tool error): reported without a traceback."""


def run_main(main: Callable[[], int | None]) -> int:
    """Runs a benchmark's main: exit code 2 and one clear message for a BenchmarkError."""
    try:
        return main() or 0
    except BenchmarkError as error:
        print(f"benchmark: error: {error}", file=sys.stderr)
        return 2


# ---------------------------------------------------------------- arguments


def usable_cpus() -> int:
    """CPUs this process may run on (respects taskset and cpusets, unlike os.cpu_count)."""
    return len(os.sched_getaffinity(0))


def add_common_arguments(parser: argparse.ArgumentParser, default_repeats: int = 5,
                         default_warmup: int = 1, measures_peak: bool = True) -> None:
    parser.add_argument("--cli", type=Path, default=DEFAULT_CLI,
                        help="the attnforge CLI (default: %(default)s)")
    if measures_peak:
        parser.add_argument("--peak", type=Path, default=DEFAULT_PEAK,
                            help="attnforge-peak, which measures the FMA peak and the memory "
                                 "bandwidth (default: %(default)s)")
    parser.add_argument("--threads", type=int, default=usable_cpus(),
                        help="threads for every peer (default: the usable CPUs, %(default)s)")
    parser.add_argument("--repeats", type=int, default=default_repeats,
                        help="timed calls per case; the median is reported (default: %(default)s)")
    parser.add_argument("--warmup", type=int, default=default_warmup,
                        help="untimed calls before them (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="interleaved rounds: each case's measurements take turns this many "
                             "times, and ratios are taken round by round (default: %(default)s)")
    parser.add_argument("--append", type=Path, metavar="MARKDOWN",
                        help="also append the results, with machine and command, to this file")


# ---------------------------------------------------------------- running tools


def require_executable(path: Path, what: str, build_hint: str) -> Path:
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise BenchmarkError(f"{what} not found at {path}: {build_hint}")
    return path


def counted(count: int, noun: str) -> str:
    """"1 thread", "2 threads": a count and its noun, for the reports' notes."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def tool_environment(threads: int) -> dict[str, str]:
    """The environment for attnforge's tools: Halide's thread pool sized like the peers'."""
    environment = dict(os.environ)
    environment["HL_NUM_THREADS"] = str(threads)
    return environment


def require_cli(arguments: argparse.Namespace) -> None:
    """Fails with one clear message when the attnforge CLI named by --cli is not built."""
    require_executable(arguments.cli, "the attnforge CLI",
                       "build it with `cmake --build --preset release`, or pass --cli PATH")


def bench_attnforge(arguments: argparse.Namespace, kernel: str, seq: int,
                    options: Sequence[str] = ()) -> dict:
    """`attnforge bench <kernel> --json` on B=arguments.batch, H=arguments.heads, Nq = Nk = seq,
    D = Dv = arguments.head_dim, plus the family's `options`: {"variant", "median_ms", "min_ms",
    "flops" and "gflops" (null where the CLI counts no FLOPs; for sparse, the pairs of every
    visited block plus the strided pairs its row path takes), "samples"}."""
    command = [arguments.cli, "bench", kernel, "--batch", str(arguments.batch),
               "--heads", str(arguments.heads), "--seq", str(seq),
               "--head-dim", str(arguments.head_dim), "--repeats", str(arguments.repeats),
               "--warmup", str(arguments.warmup), "--json", *options]
    return run_json(command, arguments.threads)


def time_attnforge(arguments: argparse.Namespace, kernel: str, seq: int,
                   options: Sequence[str] = ()) -> tuple["Timing", str]:
    """bench_attnforge's timing and variant."""
    result = bench_attnforge(arguments, kernel, seq, options)
    return attnforge_timing(result), result["variant"]


def attnforge_timing(bench_result: dict) -> "Timing":
    return Timing(bench_result["median_ms"], bench_result["min_ms"], bench_result.get("samples", []))


def run_json(command: Sequence[str | os.PathLike], threads: int) -> dict:
    """Runs a tool that prints one JSON object on its last stdout line, and returns it."""
    printable = shlex.join(str(part) for part in command)
    completed = subprocess.run([str(part) for part in command], capture_output=True, text=True,
                               env=tool_environment(threads))
    if completed.returncode != 0:
        output = completed.stderr.strip() or completed.stdout.strip() or "(no output)"
        raise BenchmarkError(f"`{printable}` exited with {completed.returncode}:\n{output}")
    lines = completed.stdout.strip().splitlines()
    try:
        return json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        raise BenchmarkError(f"`{printable}` printed no JSON object; its output was:\n"
                             f"{completed.stdout.strip()}") from None


@dataclass(frozen=True)
class MachineLimit:
    """One limit attnforge-peak measures: how to ask for it and how to word it."""
    name: str                        # "FMA peak"
    peak_options: tuple[str, ...]    # the attnforge-peak options that select it
    key: str                         # the field of its JSON that is the limit
    unit: str
    # Words after the figure in a report's notes (the JSON object -> text).
    details: Callable[[dict], str] = lambda measurement: ""


# attnforge-peak --json: {"isa", "threads", "gflops", "per_core_gflops", "cpu_share", ...}
FMA_PEAK = MachineLimit("FMA peak", (), "gflops", "GFLOP/s")
# attnforge-peak --memory --json: {"isa", "threads", "read_gbps", "copy_gbps",
# "working_set_bytes", "cpu_share", ...}. The read figure is the limit: it has no stores,
# so no doubt about the bytes it moves (copy's figure counts each stored line's ownership
# read, which some CPUs skip).
MEMORY_BANDWIDTH = MachineLimit(
    "memory read bandwidth", ("--memory",), "read_gbps", "GB/s",
    lambda measurement: f" (copy {measurement['copy_gbps']:.1f} GB/s, counting the ownership "
                        f"read of each line stored), {measurement['working_set_bytes'] >> 20} MiB "
                        "streamed")


class SameRunLimit:
    """A machine limit measured in the benchmark's own run: call measure() before the cases
    and again after them; best() is the higher, since other work on a shared machine only
    ever lowers the figure."""

    def __init__(self, limit: MachineLimit, peak_tool: Path, threads: int):
        self.limit = limit
        self.peak_tool = require_executable(
            peak_tool, "attnforge-peak",
            "build it with `cmake --build --preset release --target attnforge-peak`")
        self.threads = threads
        self.measurements: list[dict] = []

    def measure(self) -> dict:
        command = [self.peak_tool, *self.limit.peak_options, "--json", "--threads", str(self.threads)]
        measurement = run_json(command, self.threads)
        self.measurements.append(measurement)
        print(f"{self.limit.name}: {measurement[self.limit.key]:.1f} {self.limit.unit} "
              f"({measurement['isa']}, {counted(measurement['threads'], 'thread')})", file=sys.stderr)
        return measurement

    def best(self) -> dict:
        """The highest measurement, with a warning when even it was taken on a busy machine."""
        best = max(self.measurements, key=lambda measurement: measurement[self.limit.key])
        if best.get("cpu_share", 1.0) < BUSY_CPU_SHARE:
            warn(f"during the {self.limit.name} a thread had only {100 * best['cpu_share']:.0f}% "
                 "of a CPU: other work shares these cores, so every figure of this run is suspect")
        return best

    def note(self, best: dict) -> str:
        """The line a report's notes give this limit, e.g. 'FMA peak (same run, ...): 337.3
        GFLOP/s, avx512, 2 threads (`attnforge-peak --json`)'."""
        name = self.limit.name[0].upper() + self.limit.name[1:]
        figures = ", ".join(f"{measurement[self.limit.key]:.1f}" for measurement in self.measurements)
        command = " ".join(["attnforge-peak", *self.limit.peak_options, "--json"])
        return (f"{name} (same run, the higher of before and after the cases: {figures}): "
                f"{best[self.limit.key]:.1f} {self.limit.unit}{self.limit.details(best)}, "
                f"{best['isa']}, {counted(best['threads'], 'thread')} (`{command}`)")


def warn(message: str) -> None:
    print(f"benchmark: warning: {message}", file=sys.stderr)


# ---------------------------------------------------------------- timing Python peers


@dataclass
class Timing:
    median_ms: float
    min_ms: float
    samples_ms: list[float]


def time_calls(call: Callable[[], object], repeats: int, warmup: int) -> Timing:
    """Times `call` like `attnforge bench` does: untimed warm-up, then each call alone."""
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1e3)
    return Timing(statistics.median(samples), min(samples), samples)


@dataclass
class Rounds:
    """One measurement's timings over interleaved rounds, one Timing per round."""
    per_round: list[Timing]

    @property
    def median_ms(self) -> float:
        """The median of the rounds' medians."""
        return statistics.median(timing.median_ms for timing in self.per_round)


def measure_in_rounds(rounds: int, measurements: dict[str, Callable[[], Timing | None]]
                      ) -> dict[str, Rounds | None]:
    """Takes every measurement once per round, in turn, `rounds` times. On a shared machine
    whose speed drifts by tens of percent over minutes, the measurements of one round see
    the same state, so ratios taken round by round (paired_ratio_text) stay steady where a
    ratio of two medians taken minutes apart would not. A measurement that returns None
    (a peer not available here) gives None."""
    results: dict[str, Rounds | None] = {name: Rounds([]) for name in measurements}
    for round_index in range(rounds):
        print(f"  round {round_index + 1}/{rounds}", file=sys.stderr, flush=True)
        for name, measure in measurements.items():
            if results[name] is None:
                continue
            timing = measure()
            if timing is None:
                results[name] = None
            else:
                results[name].per_round.append(timing)
    return results


def timing_note(arguments: argparse.Namespace) -> str:
    """How a report's times and ratios were taken, for its notes."""
    return (f"each time: the median over {counted(arguments.rounds, 'interleaved round')} of the median "
            f"of {counted(arguments.repeats, 'call')} after {arguments.warmup} warm-up; each ratio: the "
            "median of the round-by-round ratios (their range in brackets); "
            f"{counted(arguments.threads, 'thread')} for every peer")


# ---------------------------------------------------------------- figures


def attention_flops(batch: int, heads: int, queries: int, keys: int, head_dim: int,
                    causal: bool) -> float:
    """4·B·H·Nq·Nk·D (QKᵀ and PV, 2 FLOPs per multiply-add), halved when causal: the
    convention FlashAttention's papers use, so figures compare across projects."""
    flops = 4.0 * batch * heads * queries * keys * head_dim
    return flops / 2 if causal else flops


def gflops(flops: float, milliseconds: float) -> float:
    return flops / (milliseconds * 1e-3) / 1e9


def roofline_ms(flops: float, data_bytes: float, peak_gflops: float, bandwidth_gbps: float) -> float:
    """The least time this machine needs for the work (the roofline model): the FMA units'
    time at their peak or the memory's at its bandwidth, whichever is longer."""
    return max(flops / peak_gflops, data_bytes / bandwidth_gbps) * 1e-6


def paired_ratio_text(numerator: Rounds | None, denominator: Rounds | None, suffix: str = "",
                      scale: float = 1.0) -> str:
    """scale × numerator / denominator, taken round by round: the median ratio, then the
    range over the rounds, as "1.04 (0.98–1.10)"; "—" when either did not run."""
    if not numerator or not denominator:
        return "—"
    ratios = sorted(scale * n.median_ms / d.median_ms
                    for n, d in zip(numerator.per_round, denominator.per_round))
    text = f"{statistics.median(ratios):.2f}{suffix}"
    return text if len(ratios) == 1 else f"{text} ({ratios[0]:.2f}–{ratios[-1]:.2f})"


def speed_up_text(peer: Rounds | None, ours: Rounds | None) -> str:
    """How many times faster we are than the peer, round by round: "1.25× (1.20–1.31)"."""
    return paired_ratio_text(peer, ours, "×")


def ms_text(timing: Rounds | None) -> str:
    """A median time for a table cell, "—" for a peer that did not run."""
    return f"{timing.median_ms:.2f}" if timing else "—"


# ---------------------------------------------------------------- the machine and the run


def machine_description() -> str:
    """e.g. 'Intel(R) Xeon(R) Processor, 2 cores (2 CPUs), KVM'."""
    fields = {}
    try:
        output = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        for line in output.splitlines():
            key, _, value = line.partition(":")
            fields[key.strip()] = value.strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    model = fields.get("Model name", "unknown CPU")
    sockets = int(fields.get("Socket(s)", "1") or 1)
    cores = int(fields.get("Core(s) per socket", "0") or 0) * sockets
    description = f"{model}, {cores} cores ({os.cpu_count()} CPUs)"
    if fields.get("Hypervisor vendor"):
        description += f", {fields['Hypervisor vendor']} guest"
    return description


def git_commit() -> str:
    """The short commit, marked '+dirty' when the working tree has changes."""
    def git(*arguments: str) -> str:
        return subprocess.run(["git", "-C", str(REPO_ROOT), *arguments], capture_output=True,
                              text=True).stdout.strip()
    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + ("+dirty" if git("status", "--porcelain", "--untracked-files=no") else "")


def exact_command() -> str:
    """The command line that ran this script, relative to the repository root when possible."""
    def relative(text: str) -> str:
        # absolute(), not resolve(): .venv/bin/python is a link out of the repository.
        try:
            return str(Path(text).absolute().relative_to(REPO_ROOT))
        except ValueError:
            return text
    return shlex.join([relative(sys.executable), relative(sys.argv[0]), *sys.argv[1:]])


# ---------------------------------------------------------------- Markdown


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A GitHub table; numbers are right-aligned, so columns of figures line up."""
    def is_number(text: str) -> bool:
        # "1.02× (0.97–1.08)": a figure with its range over rounds counts as a number.
        try:
            float(text.split(" ")[0].rstrip("%×x"))
            return True
        except ValueError:
            return False

    text_rows = [[str(cell) for cell in row] for row in rows]
    right = [bool(text_rows) and all(is_number(row[c]) or row[c] == "—" for row in text_rows)
             for c in range(len(headers))]
    widths = [max([len(headers[c])] + [len(row[c]) for row in text_rows])
              for c in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        padded = [cell.rjust(widths[c]) if right[c] else cell.ljust(widths[c])
                  for c, cell in enumerate(cells)]
        return "| " + " | ".join(padded) + " |"

    separator = "|" + "|".join(("-" * (widths[c] + 1) + ":") if right[c] else ("-" * (widths[c] + 2))
                               for c in range(len(headers))) + "|"
    return "\n".join([line(headers), separator, *(line(row) for row in text_rows)])


def run_header(title: str, notes: Sequence[str]) -> str:
    """The heading and provenance lines every appended result starts with."""
    lines = [f"### {title} ({datetime.date.today().isoformat()})", "",
             f"- Machine: {machine_description()}",
             f"- Commit: `{git_commit()}`",
             f"- Command: `{exact_command()}`"]
    lines += [f"- {note}" for note in notes]
    return "\n".join(lines)


def append_report(path: Path, header: str, table: str) -> None:
    with path.open("a", encoding="utf-8") as report:
        report.write(f"\n{header}\n\n{table}\n")
    print(f"appended to {path}")
