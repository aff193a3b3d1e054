-- 0003_fix_card_bill_date.sql
-- 台帐 #0003 数据修复：部分客户账单日错位（信用卡 / 清算）
-- 数据库：Oracle 11g  schema: CARD
-- author: 何欢  date: 2019-02-15  version: 2
-- 回退：从备份表 t_card_acct_bak0221 恢复 bill_day、cycle_start、cycle_end

CREATE TABLE t_card_acct_bak0221 AS
SELECT a.*
  FROM t_card_acct a
 WHERE a.card_no IN (SELECT card_no FROM t_fix_bill_day_list);

UPDATE t_card_acct a
   SET a.bill_day    = (SELECT l.new_bill_day FROM t_fix_bill_day_list l WHERE l.card_no = a.card_no),
       a.cycle_start = DATE '2019-01-26',
       a.cycle_end   = DATE '2019-02-25',
       a.upd_time    = SYSDATE
 WHERE a.card_no IN (SELECT card_no FROM t_fix_bill_day_list);

-- 预期更新 312 行，不一致则 ROLLBACK 并联系 何欢
SELECT COUNT(*) FROM t_card_acct_bak0221;
COMMIT;
