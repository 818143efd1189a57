//! [`crate::ta!`]: a TA's identity and resources, and everything generated from them.

/// Declares the TA: its type (implementing [`crate::TrustedApp`]), UUID, flags,
/// stack and heap sizes, version and description.
///
/// ```text
/// oxtee_ta::ta! {
///     app: Hello,
///     uuid: "5b9e0e40-2636-11e1-ad9e-0002a5d5c51b",
///     flags: 0,
///     stack_size: 16 * 1024,
///     heap_size: 64 * 1024,
///     version: "0.1.0",
///     description: "Example TA",
/// }
/// ```
///
/// Checked at compile time on every target: the UUID's syntax, flags inside
/// `TA_FLAGS_MASK`, non-zero sizes that fit a `u32`. On the TA target
/// (`target_os = "none"`) it generates `ta_head`, `ta_props`/`ta_num_props`, the
/// global allocator over a `heap_size`-byte arena, and `__ta_entry`.
#[macro_export]
macro_rules! ta {
    (
        app: $app:ty,
        uuid: $uuid:expr,
        flags: $flags:expr,
        stack_size: $stack:expr,
        heap_size: $heap:expr,
        version: $version:literal,
        description: $desc:literal $(,)?
    ) => {
        // Keeps what the declaration names alive for the dead-code lint on hosts,
        // where the generated items below do not exist.
        #[allow(dead_code)]
        static __OXTEE_TA_DECLARATION: (&str, fn() -> $crate::Result<$app>) =
            ($uuid, <$app as $crate::TrustedApp>::create);

        const _: () = {
            use $crate::__private::ta_head as __h;
            const __UUID: [u8; 16] = match __h::tee_uuid_octets($uuid) {
                Ok(o) => o,
                Err(_) => panic!("ta!: uuid is not xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"),
            };
            const __FLAGS: u32 = $flags;
            const __STACK: usize = $stack;
            const __HEAP: usize = $heap;
            assert!(__FLAGS & !__h::TA_FLAGS_MASK == 0, "ta!: unknown flag bits");
            assert!(
                __STACK > 0 && __STACK <= u32::MAX as usize,
                "ta!: stack_size"
            );
            assert!(__HEAP > 0 && __HEAP <= u32::MAX as usize, "ta!: heap_size");

            #[cfg(target_os = "none")]
            const _: () = {
                use $crate::__private::pta as __f;
                use $crate::__private::tee_syscall as __s;
                use $crate::props::{self as __p, UserTaProperty as __Prop};

                #[allow(non_upper_case_globals)]
                #[unsafe(no_mangle)]
                #[unsafe(link_section = ".ta_head")]
                static ta_head: __h::TaHead = __h::TaHead {
                    uuid: __h::tee_uuid_native(__UUID),
                    stack_size: __STACK as u32,
                    flags: __FLAGS,
                    depr_entry: __h::TA_HEAD_NO_DEPR_ENTRY,
                };

                #[global_allocator]
                static __OXTEE_TA_HEAP: $crate::heap::TaAllocator<__HEAP> =
                    $crate::heap::TaAllocator::new();

                static __OXTEE_TA_RUNTIME: $crate::entry::RuntimeCell<$app> =
                    $crate::entry::RuntimeCell::new(
                        __FLAGS & __f::TA_FLAG_SINGLE_INSTANCE != 0
                            && __FLAGS & __f::TA_FLAG_INSTANCE_KEEP_ALIVE != 0,
                    );

                #[unsafe(no_mangle)]
                unsafe extern "C" fn __ta_entry(
                    func: u64,
                    session_id: u64,
                    params: *mut __s::UteeParams,
                    command: u64,
                ) -> ! {
                    // SAFETY: the kernel passes the `utee_params` it placed on this
                    // TA's stack, and the access check is the kernel's own.
                    let res = unsafe {
                        $crate::entry::handle(
                            &__OXTEE_TA_RUNTIME,
                            func,
                            session_id,
                            params,
                            command,
                            &$crate::entry::kernel_access_check,
                        )
                    };
                    $crate::__private::utee_return(res)
                }

                static __SINGLE: bool = __FLAGS & __f::TA_FLAG_SINGLE_INSTANCE != 0;
                static __MULTI: bool = __FLAGS & __f::TA_FLAG_MULTI_SESSION != 0;
                static __KEEP: bool = __FLAGS & __f::TA_FLAG_INSTANCE_KEEP_ALIVE != 0;
                static __DATA_SIZE: u32 = __HEAP as u32;
                static __STACK_SIZE: u32 = __STACK as u32;
                static __ENDIAN: u32 = 0;
                static __VERSION: &str = concat!($version, "\0");
                static __DESCRIPTION: &str = concat!($desc, "\0");

                #[allow(non_upper_case_globals)]
                #[unsafe(no_mangle)]
                static ta_props: [__Prop; __p::STANDARD_PROPS] = [
                    __Prop {
                        name: __p::NAME_SINGLE_INSTANCE.as_ptr(),
                        prop_type: __s::USER_TA_PROP_TYPE_BOOL,
                        value: &__SINGLE as *const bool as *const u8,
                    },
                    __Prop {
                        name: __p::NAME_MULTI_SESSION.as_ptr(),
                        prop_type: __s::USER_TA_PROP_TYPE_BOOL,
                        value: &__MULTI as *const bool as *const u8,
                    },
                    __Prop {
                        name: __p::NAME_KEEP_ALIVE.as_ptr(),
                        prop_type: __s::USER_TA_PROP_TYPE_BOOL,
                        value: &__KEEP as *const bool as *const u8,
                    },
                    __Prop {
                        name: __p::NAME_DATA_SIZE.as_ptr(),
                        prop_type: __s::USER_TA_PROP_TYPE_U32,
                        value: &__DATA_SIZE as *const u32 as *const u8,
                    },
                    __Prop {
                        name: __p::NAME_STACK_SIZE.as_ptr(),
                        prop_type: __s::USER_TA_PROP_TYPE_U32,
                        value: &__STACK_SIZE as *const u32 as *const u8,
                    },
                    __Prop {
                        name: __p::NAME_VERSION.as_ptr(),
                        prop_type: __s::USER_TA_PROP_TYPE_STRING,
                        value: __VERSION.as_ptr(),
                    },
                    __Prop {
                        name: __p::NAME_DESCRIPTION.as_ptr(),
                        prop_type: __s::USER_TA_PROP_TYPE_STRING,
                        value: __DESCRIPTION.as_ptr(),
                    },
                    __Prop {
                        name: __p::NAME_ENDIAN.as_ptr(),
                        prop_type: __s::USER_TA_PROP_TYPE_U32,
                        value: &__ENDIAN as *const u32 as *const u8,
                    },
                ];

                #[allow(non_upper_case_globals)]
                #[unsafe(no_mangle)]
                static ta_num_props: usize = __p::STANDARD_PROPS;
            };
        };
    };
}
