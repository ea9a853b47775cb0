//! The store as the till's redb store behaves: an order and the counters written together, a
//! number index that refuses a number already taken by another order, the unsettled orders.

use std::collections::BTreeMap;
use till::core::Counters;
use till::core::order::{Order, OrderId};

#[derive(Default, Clone)]
pub struct StoreModel {
    pub orders: BTreeMap<OrderId, Order>,
    pub numbers: BTreeMap<String, OrderId>,
    pub counters: Option<Counters>,
}

fn numbers_of(order: &Order) -> impl Iterator<Item = &String> {
    order.number.iter().chain(order.attempts.iter().map(|a| &a.out_trade_no))
}

impl StoreModel {
    pub fn save(&mut self, order: &Order, counters: &Counters) -> Result<(), String> {
        for n in numbers_of(order) {
            match self.numbers.get(n) {
                Some(other) if *other != order.id => return Err(format!("number {n} taken by order {other}")),
                _ => {}
            }
        }
        for n in numbers_of(order) {
            self.numbers.insert(n.clone(), order.id);
        }
        self.orders.insert(order.id, order.clone());
        self.counters = Some(*counters);
        Ok(())
    }

    pub fn unsettled(&self) -> (Vec<Order>, Option<Counters>) {
        (self.orders.values().filter(|o| !o.is_settled()).cloned().collect(), self.counters)
    }

    pub fn by_number(&self, number: &str) -> Option<Order> {
        self.numbers.get(number).and_then(|id| self.orders.get(id)).cloned()
    }
}
