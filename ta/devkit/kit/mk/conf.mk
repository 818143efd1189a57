# oxtee C TA dev kit: the configuration a TA build sees (OP-TEE's kit
# generates the same variables from its build). AArch64 TAs only.
sm := ta_arm64
sm-ta_arm64 := y
CFG_ARM64_ta_arm64 := y
ta_arm64-platform-cppflags := -DARM64=1 -D__LP64__=1
ta_arm64-platform-cflags := -Os -g -fpic -mstrict-align -mno-outline-atomics -fstack-protector-strong
ta_arm64-platform-aflags := -g
ta_arm64-platform-cxxflags := -fpic -Os -g

# What TAs built with this kit can rely on (see host_include/conf.mk for the
# secure OS's features).
CFG_TA_FLOAT_SUPPORT := y
CFG_SYSTEM_PTA := y
CFG_TA_MBEDTLS := n
CFG_TA_MBEDTLS_MPI := n
CFG_UNWIND := n
CFG_FTRACE_SUPPORT := n
CFG_TA_BTI := n
CFG_TA_PAUTH := n
CFG_MEMTAG := n
CFG_SECURE_DATA_PATH := n

CROSS_COMPILE64 ?= $(CROSS_COMPILE)
CROSS_COMPILE_ta_arm64 ?= $(CROSS_COMPILE64)
COMPILER ?= gcc
COMPILER_ta_arm64 ?= $(COMPILER)
CFG_TEE_TA_LOG_LEVEL ?= 1
