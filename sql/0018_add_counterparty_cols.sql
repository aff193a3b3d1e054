-- 0018_add_counterparty_cols.sql
-- 台帐 #0018 大额交易报告新增交易对手证件字段（AML / 报送）
-- 数据库：Oracle 11g  schema: AML
-- author: 刘畅  date: 2019-03-13  version: 1
-- 回退：ALTER TABLE t_aml_large_txn DROP (ctp_id_type, ctp_id_no);

ALTER TABLE t_aml_large_txn ADD (
  ctp_id_type VARCHAR2(4),
  ctp_id_no   VARCHAR2(64)
);

COMMENT ON COLUMN t_aml_large_txn.ctp_id_type IS '交易对手证件类型';
COMMENT ON COLUMN t_aml_large_txn.ctp_id_no   IS '交易对手证件号码';

CREATE INDEX idx_aml_large_txn_ctp ON t_aml_large_txn (ctp_id_no) TABLESPACE aml_idx;

-- 历史数据不回补，新列允许为空
SELECT column_name, data_type, data_length
  FROM user_tab_columns
 WHERE table_name = 'T_AML_LARGE_TXN'
   AND column_name LIKE 'CTP_%';
