# Host unit test of the CPU policy (vmx/cpu_policy.c) against fake CPUs.
UNIT_TESTS += cpu_policy
UNIT_SRCS_cpu_policy := tests/unit/test_cpu_policy.c vmx/cpu_policy.c
