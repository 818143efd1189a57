//! Instruction-set acceleration (the Armv8 Crypto Extensions on the real
//! image), installed once at boot by the image, which finds out what the
//! CPU has. The interface, and the code that calls it on every block, is
//! `oxtee-crypto-fast`'s (compiled for speed, decision 0007) and re-exported
//! here; the boot's self-test of the routines and the known-answer tests of
//! the operations on them are this crate's.

pub use oxtee_crypto_fast::accel::*;

mod known_answers;
mod self_test;
#[cfg(test)]
mod tests;

pub use known_answers::known_answers;
pub use self_test::self_test;
