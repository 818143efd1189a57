// EL3 exception vectors and the world switch.
//
// `el3_enter_world(ctx)` is called from Rust like a coroutine switch: it
// pushes the callee-saved registers on the EL3 stack, records that stack in
// the context, points SP_EL3 at the context (the same trick TF-A uses) and
// ERETs into the world the context describes. When that world comes back to
// EL3, the lower-EL vector stores its general registers, SP_EL0, ELR_EL3 and
// SPSR_EL3 into the context, switches back to the recorded stack and returns
// from `el3_enter_world` with the number of the vector taken. No vector calls
// into Rust: every decision is made by the Rust caller after the return.

.macro save_lower_el_state
    stp     x0, x1, [sp, #0]
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    mrs     x0, sp_el0
    stp     x30, x0, [sp, #240]
    mrs     x0, elr_el3
    mrs     x1, spsr_el3
    stp     x0, x1, [sp, #{ctx_elr}]
    ldr     x1, [sp, #{ctx_el3_sp}]
    mov     sp, x1
.endm

// Saves the world that trapped and returns `\vector` from `el3_enter_world`.
.macro lower_el_exit vector
    .balign 0x80
    save_lower_el_state
    mov     x0, #\vector
    b       el3_world_exit
.endm

.macro unexpected kind
    .balign 0x80
    mov     x0, #\kind
    mrs     x1, esr_el3
    mrs     x2, elr_el3
    mrs     x3, far_el3
    b       {unexpected_handler}
.endm

.section .text.vectors, "ax"
.balign 0x800
.global el3_vectors
el3_vectors:
    // Current EL with SP_EL0: never used.
    unexpected 0
    unexpected 1
    unexpected 2
    unexpected 3
    // Current EL with SP_ELx: a bug in the monitor.
    unexpected 4
    unexpected 5
    unexpected 6
    unexpected 7
    // Lower EL, AArch64.
    lower_el_exit {vector_sync}
    lower_el_exit {vector_irq}
    lower_el_exit {vector_fiq}
    lower_el_exit {vector_serror}
    // Lower EL, AArch32: not supported (SCR_EL3.RW = 1 everywhere).
    unexpected 12
    unexpected 13
    unexpected 14
    unexpected 15

.section .text
// fn el3_enter_world(ctx: *mut WorldContext) -> u64
// Runs the world described by `ctx` until it comes back to EL3; returns the
// vector taken (`Vector::raw`). Callee-saved registers survive the call.
.global el3_enter_world
el3_enter_world:
    sub     sp, sp, #0x60
    stp     x19, x20, [sp, #0x00]
    stp     x21, x22, [sp, #0x10]
    stp     x23, x24, [sp, #0x20]
    stp     x25, x26, [sp, #0x30]
    stp     x27, x28, [sp, #0x40]
    stp     x29, x30, [sp, #0x50]
    mov     x1, sp
    str     x1, [x0, #{ctx_el3_sp}]
    mov     sp, x0
    ldp     x1, x2, [sp, #{ctx_elr}]
    msr     elr_el3, x1
    msr     spsr_el3, x2
    ldr     x1, [sp, #{ctx_scr}]
    msr     scr_el3, x1
    ldp     x30, x1, [sp, #240]
    msr     sp_el0, x1
    ldp     x0, x1, [sp, #0]
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x19, [sp, #144]
    ldp     x20, x21, [sp, #160]
    ldp     x22, x23, [sp, #176]
    ldp     x24, x25, [sp, #192]
    ldp     x26, x27, [sp, #208]
    ldp     x28, x29, [sp, #224]
    eret
    dsb     nsh
    isb

// The second half of `el3_enter_world`, reached from a lower-EL vector on the
// stack `el3_enter_world` recorded, with the vector number in x0.
el3_world_exit:
    ldp     x19, x20, [sp, #0x00]
    ldp     x21, x22, [sp, #0x10]
    ldp     x23, x24, [sp, #0x20]
    ldp     x25, x26, [sp, #0x30]
    ldp     x27, x28, [sp, #0x40]
    ldp     x29, x30, [sp, #0x50]
    add     sp, sp, #0x60
    ret
