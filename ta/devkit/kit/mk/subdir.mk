# Walks the TA's sub.mk files from the current directory down (subdirs-y)
# and collects its sources with their per-file flags:
#   kit-srcs                     every source, relative to the TA directory
#   kit-global-incdirs           global-incdirs-y of every directory
#   kit-global-cppflags          global-cppflags-y of every directory
#   kit-cppflags-<src>, kit-cflags-<src>, kit-aflags-<src>, kit-incdirs-<src>

kit-srcs :=
kit-global-incdirs :=
kit-global-cppflags :=

# $(1): directory (relative, "." for the top)
define kit-process-subdir
srcs-y :=
subdirs-y :=
global-incdirs-y :=
global-cppflags-y :=
incdirs-y :=
cflags-y :=
cppflags-y :=
aflags-y :=
cflags-remove-y :=
cppflags-remove-y :=
include $(if $(filter .,$(1)),sub.mk,$(1)/sub.mk)
kit-dir-srcs := $$(foreach s,$$(srcs-y),$$(patsubst ./%,%,$(1)/$$(s)))
kit-srcs += $$(kit-dir-srcs)
kit-global-incdirs += $$(foreach d,$$(global-incdirs-y),$$(patsubst ./%,%,$(1)/$$(d)))
kit-global-cppflags += $$(global-cppflags-y)
$$(foreach s,$$(srcs-y),$$(eval kit-cflags-$$(patsubst ./%,%,$(1)/$$(s)) := \
	$$(filter-out $$(cflags-remove-y) $$(cflags-remove-$$(s)-y),$$(cflags-y) $$(cflags-$$(s)-y))))
$$(foreach s,$$(srcs-y),$$(eval kit-cppflags-$$(patsubst ./%,%,$(1)/$$(s)) := \
	$$(filter-out $$(cppflags-remove-y) $$(cppflags-remove-$$(s)-y),$$(cppflags-y) $$(cppflags-$$(s)-y))))
$$(foreach s,$$(srcs-y),$$(eval kit-aflags-$$(patsubst ./%,%,$(1)/$$(s)) := \
	$$(aflags-y) $$(aflags-$$(s)-y)))
$$(foreach s,$$(srcs-y),$$(eval kit-incdirs-$$(patsubst ./%,%,$(1)/$$(s)) := \
	$$(foreach d,$$(incdirs-y),$$(patsubst ./%,%,$(1)/$$(d)))))
kit-subdirs-$(1) := $$(foreach d,$$(subdirs-y),$$(patsubst ./%,%,$(1)/$$(d)))
$$(foreach d,$$(kit-subdirs-$(1)),$$(eval $$(call kit-process-subdir,$$(d))))
endef

ifneq ($(wildcard sub.mk),)
$(eval $(call kit-process-subdir,.))
else
$(error no sub.mk in $(CURDIR): a TA lists its sources in sub.mk (srcs-y += file.c))
endif
