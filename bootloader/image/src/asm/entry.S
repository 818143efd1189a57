// Reset entry of the EL3 firmware. Every CPU of QEMU `virt` starts here, in
// secure flash, with the MMU off. The primary CPU copies the image into the
// monitor's secure RAM; secondaries wait until that copy exists, then move to
// RAM too (flash may later be put into command mode to write the
// anti-rollback counter, so nobody may execute from it afterwards).

.section .text.boot, "ax"
.global _start
_start:
    mrs     x19, mpidr_el1
    and     x19, x19, #0xff             // CPU index = Aff0 on QEMU virt
    cmp     x19, #{max_cpus}
    b.hs    park

    cbnz    x19, secondary_wait

    // Primary: copy [__image_start, __image_end) from where we run (flash) to RAM.
    adr     x0, _start                  // run-time (load) address
    ldr     x1, ={image_start}          // link address
    ldr     x2, ={image_end}
1:  ldp     x3, x4, [x0], #16
    stp     x3, x4, [x1], #16
    cmp     x1, x2
    b.lo    1b
    // Zero .bss.
    ldr     x1, ={bss_start}
    ldr     x2, ={bss_end}
2:  cmp     x1, x2
    b.hs    3f
    stp     xzr, xzr, [x1], #16
    b       2b
3:  dsb     sy
    isb
    ldr     x0, ={image_ready}
    mov     x1, #1
    str     x1, [x0]
    dsb     sy
    sev
    ldr     x0, =common_start
    br      x0

secondary_wait:
    // Wait in flash until the primary has copied the image, then continue in RAM.
    ldr     x0, ={image_ready}
1:  wfe
    ldr     x1, [x0]
    cbz     x1, 1b
    ldr     x0, =common_start
    br      x0

park:
    wfe
    b       park

.section .text
common_start:
    // EL3 runs on SP_EL3 with all exceptions masked.
    msr     spsel, #1
    msr     daifset, #0xf
    // Stack: one per CPU, top of slot x19.
    ldr     x0, ={stacks_start}
    mov     x1, #{stack_size}
    add     x2, x19, #1
    madd    x0, x1, x2, x0
    mov     sp, x0
    mov     x0, x19
    bl      {rust_entry}
4:  wfe
    b       4b
