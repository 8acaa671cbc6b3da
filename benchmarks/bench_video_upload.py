"""A 50 MB resumable upload: the SDK's peak memory, and its throughput next to bare httpx2.

    python benchmarks/bench_video_upload.py [--size-mb 50] [--rounds 3] [--chunk-mb 4]

A sandbox server runs as its own process on 127.0.0.1 (its memory is not
counted). The file is written to a temporary directory, 1 MB at a time.

* memory: the process's first ``client.video.upload(path)``, with one
  connection dropped half-way (a fault queued through the control API from
  the progress callback) and the resume that follows. Resident memory is
  sampled every millisecond by a thread; the figure is the peak above the
  resident size just before the upload (the client made, one API call done).
  Goal: under 30 MB above that baseline. ``tracemalloc``'s peak of Python
  allocations is measured in a second upload.
* throughput: the SDK's upload (no fault) and a bare ``httpx2`` streaming
  upload of the same file, in the same chunks and the same multipart framing,
  to the same upload URL, interleaved round by round; the median of each.

Only public API is used for the SDK side.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import secrets
import statistics
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import httpx2
from _served import sandbox_server

from baijiayun import BaiJiaYunClient

PARTNER_ID = "10000001"
PARTNER_KEY = "sandbox-partner-key-0000000000000000000000000000000000000000"
MB = 1024 * 1024
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def rss() -> int:
    """Resident bytes of this process (Linux /proc; ru_maxrss elsewhere is a peak, not now)."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * PAGE


class PeakSampler:
    """Samples resident memory in a thread; ``peak`` is the highest seen."""

    def __init__(self, interval: float = 0.001) -> None:
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss())
            time.sleep(self.interval)

    def __enter__(self) -> PeakSampler:
        self.peak = rss()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss())


def write_file(directory: str, size: int) -> tuple[str, str]:
    path = os.path.join(directory, "lecture.mp4")
    rng = random.Random(50)
    digest = hashlib.md5()
    with open(path, "wb") as handle:
        left = size
        while left:
            piece = rng.randbytes(min(MB, left))
            digest.update(piece)
            handle.write(piece)
            left -= len(piece)
    return path, digest.hexdigest()


# --------------------------------------------------------------------------- bare httpx2
def hand_signed(fields: dict[str, str]) -> bytes:
    fields = {**fields, "partner_id": PARTNER_ID, "timestamp": str(int(time.time()))}
    text = "&".join(f"{k}={fields[k]}" for k in sorted(fields))
    fields["sign"] = hashlib.md5((text + "&partner_key=" + PARTNER_KEY).encode()).hexdigest()
    return urlencode(fields).encode()


def chunk_body(handle: Any, start: int, size: int, head: bytes, tail: bytes) -> Iterator[bytes]:
    yield head
    handle.seek(start)
    left = size
    while left:
        piece = handle.read(min(64 * 1024, left))
        left -= len(piece)
        yield piece
    yield tail


def bare_upload(http: httpx2.Client, base: str, path: str, chunk: int) -> int:
    """What a user would write by hand: ask for the URL, stream each chunk as multipart."""
    answer = http.post(
        base + "openapi/video/getUploadUrl",
        content=hand_signed({"file_name": "bare.mp4", "definition": "16"}),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    ).json()
    assert answer["code"] == 0, answer
    url, video_id = answer["data"]["upload_url"], answer["data"]["video_id"]
    total = os.path.getsize(path)
    with open(path, "rb") as handle:
        offset = 0
        while offset < total:
            length = min(chunk, total - offset)
            boundary = secrets.token_hex(12)
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="data"; '
                'filename="bare.mp4"\r\nContent-Type: application/octet-stream\r\n\r\n'
            ).encode()
            tail = f"\r\n--{boundary}--\r\n".encode()

            reply = http.post(
                url,
                content=chunk_body(handle, offset, length, head, tail),
                headers={
                    "Content-Type": f"multipart/form-data; boundary={boundary}",
                    "Content-Length": str(len(head) + length + len(tail)),
                    "Content-Range": f"bytes {offset}-{offset + length - 1}/{total}",
                },
            ).json()
            assert reply["code"] == 1, reply
            offset += length
    return int(video_id)


# --------------------------------------------------------------------------- measurements
def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--chunk-mb", type=int, default=4)
    args = parser.parse_args()
    size, chunk = args.size_mb * MB, args.chunk_mb * MB
    with sandbox_server() as (base, _server), tempfile.TemporaryDirectory() as directory:
        path, md5 = write_file(directory, size)
        client = BaiJiaYunClient(PARTNER_ID, partner_key=PARTNER_KEY, base_url=base)
        control = httpx2.Client(base_url=base + "_sandbox/")
        bare = httpx2.Client()
        version = sys.version.split()[0]
        print(f"python {version}, {args.size_mb} MB file, {args.chunk_mb} MiB chunks")

        client.video_account.get_account_info()  # the connection is open, nothing else

        # ---- memory: the first upload of the process, a dropped connection, a resume
        dropped: list[int] = []

        def progress(sent: int, total: int) -> None:
            if sent >= total // 2 and not dropped:
                control.post("faults", json={"path": "/_upload/video", "drop": True})
                dropped.append(sent)

        baseline = rss()
        with PeakSampler() as sampler:
            seconds, video_id = timed(
                lambda: client.video.upload(path, chunk_size=chunk, progress=progress)
            )
        info = client.video.get_info(video_id)
        assert dropped and info.file_md5 == md5, "the upload did not arrive whole"
        resumes = control.get("requests").json()["by_path"]["/openapi/video/getResumeUploadUrl"]
        above = (sampler.peak - baseline) / MB
        print("\nmemory (SDK upload, connection dropped at half, resumed)")
        print(f"  resident before     {baseline / MB:8.1f} MB")
        print(f"  resident peak       {sampler.peak / MB:8.1f} MB")
        verdict = "met" if above < 30 else "NOT met"
        print(f"  peak above baseline {above:8.1f} MB   (goal < 30 MB: {verdict})")
        print(f"  resumes             {resumes:8d}      ({seconds:.2f} s, md5 verified)")
        tracemalloc.start()
        client.video.upload(path, chunk_size=chunk)
        _, traced = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"  tracemalloc peak    {traced / MB:8.1f} MB   (Python allocations, no fault)")

        # ---- throughput, interleaved (after one upload of each, to warm both paths)
        bare_upload(bare, base, path, chunk)
        sdk_times: list[float] = []
        bare_times: list[float] = []
        for _ in range(args.rounds):
            sdk_times.append(timed(lambda: client.video.upload(path, chunk_size=chunk))[0])
            bare_times.append(timed(lambda: bare_upload(bare, base, path, chunk))[0])
        sdk_s, bare_s = statistics.median(sdk_times), statistics.median(bare_times)
        print(f"\nthroughput over loopback (median of {args.rounds}, no fault)")
        print(f"  SDK video.upload    {size / MB / sdk_s:8.1f} MB/s  ({sdk_s:.3f} s)")
        print(f"  bare httpx2 stream  {size / MB / bare_s:8.1f} MB/s  ({bare_s:.3f} s)")
        print(f"  ratio SDK / bare    {sdk_s / bare_s:8.2f}      (time; 1.00 = as fast)")
        client.close()
        control.close()
        bare.close()


if __name__ == "__main__":
    main()
