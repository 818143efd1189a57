//! Signed secure-OS package format (see bootloader/README.md).
