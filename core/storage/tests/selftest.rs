//! The xtest 1015 self test as the PTA will call it.

use oxtee_storage::selftest::htree_corner_cases;
use oxtee_storage::testing::TestRng;

#[test]
fn htree_corner_cases_pass() {
    for seed in [1, 2] {
        assert_eq!(htree_corner_cases(&mut TestRng::new(seed)), Ok(()));
    }
}
