"""Calls started at the same moment, each in its own thread and so on its own database
connection, for the tests that races are decided by the database (tests/<app>/test_concurrency.py
and the worker's)."""

import threading

from django.db import connections


def at_once(*calls, timeout: float = 60) -> tuple[list, list[Exception]]:
    """Run every call in its own thread, released together by a barrier. Returns the calls'
    results and the exceptions they raised, each in the order they finished."""
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def run(call):
        try:
            barrier.wait(timeout=10)
            results.append(call())
        except Exception as error:  # noqa: BLE001  (returned to the test, which asserts on it)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    return results, errors
