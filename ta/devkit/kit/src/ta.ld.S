/*
 * Link layout of a C TA (run through the C preprocessor by mk/link.mk): a
 * position-independent ELF whose first load segment starts at address 0
 * with ta_head, code and read-only data in one segment, writable data
 * page-aligned in a second, dynamic tables inside the image. The same
 * layout as oxtee's Rust TAs (ta/sdk/ta/ta.ld); OP-TEE's ldelf and oxtee's
 * loader both take it.
 */
ENTRY(__ta_entry)

PHDRS {
	rx PT_LOAD FLAGS(5);
	rw PT_LOAD FLAGS(6);
	dynamic PT_DYNAMIC FLAGS(6);
}

SECTIONS {
	. = 0;
	.ta_head : { KEEP(*(.ta_head)) } :rx
	/* Keeps the entry away from 0x20, the entry of pre-3.9 (legacy) TAs. */
	. = ALIGN(64);
	.text : { *(.text .text.*) } :rx
	.rodata : { *(.rodata .rodata.*) } :rx
	.dynsym : { *(.dynsym) } :rx
	.dynstr : { *(.dynstr) } :rx
	.hash : { *(.hash) } :rx
	.gnu.hash : { *(.gnu.hash) } :rx
	.rela.dyn : { *(.rela.*) } :rx
	.eh_frame_hdr : { *(.eh_frame_hdr) } :rx
	.eh_frame : { KEEP(*(.eh_frame)) } :rx

	. = ALIGN(4096);
	.data : { *(.data .data.*) } :rw
	.data.rel.ro : { *(.data.rel.ro .data.rel.ro.*) } :rw
	.got : { *(.got .got.plt) } :rw
	.dynamic : { *(.dynamic) } :rw :dynamic
	.bss : { *(.bss .bss.*) *(COMMON) } :rw

	/* Constructors are not run: refuse a TA that has any. */
	.init_array : { *(.init_array .init_array.* .ctors .ctors.*) }
	ASSERT(SIZEOF(.init_array) == 0, "oxtee's libutee does not run C constructors")

	/DISCARD/ : { *(.interp) *(.note .note.*) *(.comment) *(.fini_array*) *(.dtors*) }
}
