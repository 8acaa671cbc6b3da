"""Connections opened for concurrent calls are kept and reused, not closed after each burst.

A small HTTP/1.1 server on 127.0.0.1 counts the connections it accepts and holds
every answer until all calls of a round have arrived, so each round really has
32 requests in flight at once (32 connections). The second round must reuse
them: a pool that keeps fewer idle connections than it opens closes the rest
after round one and opens them again in round two.
"""

from __future__ import annotations

import asyncio

from baijiayun import AsyncBaiJiaYunClient

CONCURRENCY = 32
ANSWER = b'{"code":0,"msg":"","data":null}'


class CountingServer:
    def __init__(self) -> None:
        self.accepted = 0
        self.waiting = 0
        self.round_full = asyncio.Event()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                await reader.readexactly(length)
                self.waiting += 1
                if self.waiting == CONCURRENCY:
                    self.round_full.set()
                await self.round_full.wait()
                writer.write(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                    b"content-length: %d\r\n\r\n%s" % (len(ANSWER), ANSWER)
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    def next_round(self) -> None:
        self.waiting = 0
        self.round_full = asyncio.Event()


async def test_32_concurrent_calls_keep_their_32_connections() -> None:
    counting = CountingServer()
    server = await asyncio.start_server(counting.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with AsyncBaiJiaYunClient(
            "10000001", partner_key="k" * 32, base_url=f"http://127.0.0.1:{port}/", timeout=10
        ) as client:
            for _ in range(2):
                results = await asyncio.gather(
                    *(client.room.delete(1000 + i) for i in range(CONCURRENCY))
                )
                assert results == [None] * CONCURRENCY
                counting.next_round()
    finally:
        server.close()
        await server.wait_closed()
    # Round one opened 32; round two reused every one of them.
    assert counting.accepted == CONCURRENCY
