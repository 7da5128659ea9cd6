"""Ports for test servers come from below the range outgoing connections' local ports use."""

from __future__ import annotations

import socket

from shared.testing.ports import LOWEST, free_ports, outgoing_start


class Scripted:
    """A stand-in for random.Random that proposes the given ports in order."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = iter(ports)

    def randrange(self, low: int, high: int) -> int:
        port = next(self.ports)
        assert low <= port < high
        return port


def test_ports_are_free_different_and_never_where_outgoing_connections_get_theirs():
    low = outgoing_start()
    ports = free_ports(20)
    assert len(set(ports)) == 20
    assert all(LOWEST <= port < low for port in ports)
    for port in ports:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))  # free: a server can take it


def test_a_port_something_listens_on_is_passed_over():
    taken = free_ports(1)[0]
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", taken))
        busy.listen()
        proposals = [taken, *range(LOWEST, LOWEST + 500)]
        assert free_ports(1, Scripted(proposals))[0] != taken


def test_a_port_handed_out_once_is_not_handed_out_again_in_the_same_process():
    first = free_ports(1)[0]
    proposals = [first, first, *range(LOWEST, LOWEST + 500)]
    assert free_ports(1, Scripted(proposals))[0] != first
