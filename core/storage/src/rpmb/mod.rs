//! RPMB: frames, the authenticated client, the device trait, the object
//! store on top, and (for tests) a model of the device.

mod client;
mod device;
mod frame;
#[cfg(any(test, feature = "testing"))]
pub mod model;
mod store;

pub use client::{derive_key, Block, RpmbClient};
pub use device::{DevInfo, RpmbDevice};
pub use frame::{frames_mac, sign, verify, Frame, RawFrame};
pub use store::{RpmbAnchor, RpmbStore, ANCHOR_BLOCK, FAT_BLOCKS};
