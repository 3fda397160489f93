"""`python3 -m gpuprof_torch.selfcheck`: the sample order against arrays printed by the Node harness
(src/harness/index-order.ts seededPermutation and BatchPlan, src/harness/echo.ts echoSteps)."""

import sys

from .order import BatchPlan, echo_steps, seeded_permutation

PERMUTATIONS = [
    (10, 7919, [9, 4, 6, 1, 0, 3, 2, 7, 5, 8]),
    (10, 0, [1, 4, 8, 2, 6, 5, 9, 0, 3, 7]),
    (1, 5, [0]),
    (2, 1, [1, 0]),
    (17, -3, [7, 9, 8, 15, 5, 2, 1, 4, 3, 6, 14, 16, 0, 12, 10, 13, 11]),
    (32, 2147483647, [1, 15, 14, 17, 8, 6, 28, 5, 26, 21, 19, 4, 25, 29, 27, 11, 3, 16, 7, 12, 18, 2, 24, 10, 30, 13, 9, 22, 20, 23, 31, 0]),
    (12, 4294967303, [9, 6, 8, 11, 1, 4, 3, 10, 2, 5, 7, 0]),
    (50, 123456789 * 7919 + 2, [25, 30, 35, 49, 17, 11, 7, 48, 6, 16, 24, 43, 22, 31, 3, 34, 29, 4, 41, 28, 1, 47, 19, 13, 44, 10, 12, 5, 36, 26, 18, 40, 46, 0, 39, 2, 8, 15, 9, 45, 27, 21, 37, 38, 23, 20, 14, 33, 32, 42]),
]
# BatchPlan({count: 10, batch: 4, order: "shuffle", seed: 42}), dropLast false then true.
PLAN_KEEP = [[6, 1, 0, 7], [5, 8, 2, 4], [3, 9], [0, 6, 2, 3], [9, 4, 1, 5], [7, 8], [2, 4, 9, 5]]
PLAN_DROP = [[6, 1, 0, 7], [5, 8, 2, 4], [0, 6, 2, 3], [9, 4, 1, 5], [2, 4, 9, 5]]
# echoSteps([10..16], echo 2, split 2, seed 3) and echoSteps([10..16], 1, 3, 3).
ECHO_2_2 = [[14, 13, 12, 11], [15, 10, 16], [14, 12, 11, 10], [16, 13, 15]]
ECHO_1_3 = [[10, 11, 12], [13, 14, 15], [16]]


def check():
    problems = []
    for n, seed, want in PERMUTATIONS:
        got = seeded_permutation(n, seed)
        if got != want:
            problems.append("seeded_permutation(%d, %d) = %s, Node has %s" % (n, seed, got, want))
    for drop, want in ((False, PLAN_KEEP), (True, PLAN_DROP)):
        plan = BatchPlan(10, 4, drop, "shuffle", 42)
        got = [plan.indices(g) for g in range(len(want))]
        if got != want:
            problems.append("BatchPlan(drop_last=%s) = %s, Node has %s" % (drop, got, want))
    seq = BatchPlan(10, 4, False, "sequential", 1)
    if [seq.indices(g) for g in range(4)] != [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9], [0, 1, 2, 3]]:
        problems.append("sequential BatchPlan is wrong")
    for args, want in (((2, 2), ECHO_2_2), ((1, 3), ECHO_1_3)):
        got = echo_steps(list(range(10, 17)), args[0], args[1], 3)
        if got != want:
            problems.append("echo_steps(echo=%d, split=%d) = %s, Node has %s" % (args[0], args[1], got, want))
    return problems


if __name__ == "__main__":
    found = check()
    for line in found:
        print(line)
    print("order self-check: %s" % ("FAILED" if found else "ok"))
    sys.exit(1 if found else 0)
