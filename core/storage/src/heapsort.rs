//! An in-place heapsort for the store's short lists (extents, pieces, entry
//! numbers): O(n log n) without allocation or recursion, and a few hundred
//! bytes of code per element type where the standard library's sorts bring
//! several kilobytes each. Not stable; no caller needs that.

/// Sorts `v` by `key`, ascending.
pub(crate) fn sort_by_key<T, K: Ord>(v: &mut [T], key: impl Fn(&T) -> K) {
    let less = |a: &T, b: &T| key(a) < key(b);
    // Build a max-heap, then move the largest to the end one at a time.
    for start in (0..v.len() / 2).rev() {
        sift_down(v, start, v.len(), &less);
    }
    for end in (1..v.len()).rev() {
        v.swap(0, end);
        sift_down(v, 0, end, &less);
    }
}

/// Sorts `v` ascending.
pub(crate) fn sort<T: Ord + Copy>(v: &mut [T]) {
    sort_by_key(v, |x| *x);
}

/// Restores the heap order below `root` within `v[..end]`.
fn sift_down<T>(v: &mut [T], mut root: usize, end: usize, less: &impl Fn(&T, &T) -> bool) {
    loop {
        let mut child = 2 * root + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && less(&v[child], &v[child + 1]) {
            child += 1;
        }
        if !less(&v[root], &v[child]) {
            return;
        }
        v.swap(root, child);
        root = child;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    #[test]
    fn sorts_like_the_standard_library() {
        // A fixed pseudo-random sequence with duplicates, and the edge lengths.
        let mut x = 12345u32;
        for len in [0usize, 1, 2, 3, 7, 64, 257] {
            let v: Vec<u32> = (0..len)
                .map(|_| {
                    x = x.wrapping_mul(1103515245).wrapping_add(12345);
                    (x >> 16) % 50
                })
                .collect();
            let mut ours = v.clone();
            sort(&mut ours);
            let mut theirs = v.clone();
            theirs.sort_unstable();
            assert_eq!(ours, theirs, "length {len}");
        }
        let mut pairs = [(3, 'c'), (1, 'a'), (2, 'b'), (0, 'z')];
        sort_by_key(&mut pairs, |p| p.0);
        assert_eq!(pairs, [(0, 'z'), (1, 'a'), (2, 'b'), (3, 'c')]);
    }
}
