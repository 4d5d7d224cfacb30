"""Sending to channel-layer groups from synchronous code.

`async_to_sync` run from a thread that no server loop started (the task worker, a
management command, a script) makes a new event loop for every call, and the Redis layer
then opens a new connection for it: about 2 ms before each announcement is published. Here
such calls go to one event loop per process, kept in a daemon thread, whose layer keeps its
connection. Under the ASGI server, where views and tasks run in threads that asgiref ties
to the server's loop, sends still go through that loop, as before; so does the in-memory
layer, whose queues belong to the loop that reads them.
"""

import asyncio
import os
import threading

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer

SEND_TIMEOUT_S = 10.0

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
_loop_pid: int | None = None


def _sender_loop() -> asyncio.AbstractEventLoop:
    """This process's sending loop, started on first use (again in a forked child)."""
    global _loop, _loop_pid
    with _lock:
        if _loop is None or _loop_pid != os.getpid():
            loop = asyncio.new_event_loop()
            threading.Thread(
                target=loop.run_forever, name="channel-layer-sender", daemon=True
            ).start()
            _loop, _loop_pid = loop, os.getpid()
        return _loop


def _in_server_thread() -> bool:
    """Whether this thread runs on behalf of an event loop of this process (sync_to_async)."""
    return (
        getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) == os.getpid()
        and getattr(SyncToAsync.threadlocal, "main_event_loop", None) is not None
    )


def group_send(group: str, message: dict) -> None:
    """Send `message` to every channel of `group`; raises if the layer cannot take it."""
    layer = get_channel_layer()
    if _in_server_thread() or isinstance(layer, InMemoryChannelLayer):
        async_to_sync(layer.group_send)(group, message)
        return
    future = asyncio.run_coroutine_threadsafe(layer.group_send(group, message), _sender_loop())
    try:
        future.result(timeout=SEND_TIMEOUT_S)
    except TimeoutError:
        future.cancel()
        raise
