"""The compute-bound arithmetic against hand-computed values, and the GEMM measurement's sanity."""
from __future__ import annotations

import pytest

from statementqa.compute_bound import encoder_flops, matmul_gflops


@pytest.mark.parametrize("lengths, h, f, layers, expect", [
    ([1], 1, 1, 1, 8 + 4 + 4),
    ([10], 384, 1536, 6, 6 * (8 * 10 * 384**2 + 4 * 10 * 384 * 1536 + 4 * 100 * 384)),
    ([10, 20], 2, 8, 3, 3 * ((8 * 10 * 4 + 4 * 10 * 16 + 4 * 100 * 2) + (8 * 20 * 4 + 4 * 20 * 16 + 4 * 400 * 2))),
    ([], 384, 1536, 6, 0),
])
def test_encoder_flops(lengths, h, f, layers, expect):
    assert encoder_flops(lengths, h, f, layers) == pytest.approx(expect)


def test_matmul_throughput_is_plausible():
    gf = matmul_gflops(m=128, k=64, n=128, seconds=0.2)
    assert 0.1 < gf < 100_000  # GFLOP/s of any CPU, from a slow VM to a large server
