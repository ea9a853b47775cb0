include $(sort $(wildcard $(BR2_EXTERNAL_TILL_PATH)/package/*/*.mk))
