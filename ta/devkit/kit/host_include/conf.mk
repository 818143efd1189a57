# The secure OS this kit belongs to, for normal-world builds (optee_test's
# Makefile and CMake files read these to decide which tests and TAs exist).
# oxtee's real features, not OP-TEE's; conf.h and conf.cmake say the same.
# See docs/ta-dev-kit.md for each value.
CFG_TEE_IMPL_DESCR=oxtee
CFG_ARM64_core=y
CFG_WITH_USER_TA=y
CFG_TA_FLOAT_SUPPORT=y
CFG_TA_MBEDTLS=n
CFG_ULIBS_SHARED=n
CFG_REE_FS=y
CFG_REE_FS_TA=y
CFG_RPMB_FS=y
CFG_SYSTEM_PTA=y
CFG_DEVICE_ENUM_PTA=y
CFG_GP_SOCKETS=y
CFG_PKCS11_TA=n
CFG_SECURE_DATA_PATH=n
CFG_SECURE_PARTITION=n
CFG_SPMC_TESTS=n
CFG_CRYPTO_SE05X=n
CFG_ATTESTATION_PTA=n
CFG_SCMI_PTA=n
CFG_CORE_TPM_EVENT_LOG=n
CFG_FTRACE_SUPPORT=n
CFG_TA_GPROF_SUPPORT=n
CFG_ENCRYPT_TA=n
CFG_TA_BTI=n
CFG_TA_PAUTH=n
CFG_CORE_BTI=n
CFG_CORE_PAUTH=n
CFG_MEMTAG=n
CFG_CORE_DYN_SHM=y
CFG_TEE_CORE_NB_CORE=4
